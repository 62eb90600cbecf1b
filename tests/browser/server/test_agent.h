#pragma once

// A small agent for the browser test: real scrapes of the demo service's pods into a real
// store, the real rules, escalator and dry-run switch, and the dashboard page, document and
// command API served by nova::http::Server. The daemon's own wiring replaces it later.

#include <mutex>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "nova/core/clock.h"
#include "nova/dashboard/chart_spec.h"
#include "nova/dashboard/views.h"
#include "nova/http/server.h"
#include "nova/policy/escalator.h"
#include "nova/promql/engine.h"
#include "nova/rules/evaluator.h"
#include "nova/scrape/prober.h"
#include "nova/traffic/dry_run_switch.h"
#include "nova/tsdb/storage.h"

namespace nova::dashboard::browser {

struct TestAgentOptions {
  /// (pod name, base URL "http://127.0.0.1:PORT") of each green pod.
  std::vector<std::pair<std::string, std::string>> pods;
  rules::RuleSet ruleSet;
  std::vector<ChartSpec> charts;
  /// The bearer token the command API accepts.
  std::string token;
};

/// Thread-safe: run() on one thread, handle() on the server's.
class TestAgent {
 public:
  TestAgent(TestAgentOptions options, const Clock& clock);

  /// Scrapes and evaluates (every second) until `stop` is requested.
  void run(std::stop_token stop);
  /// GET / (the page), GET /v1/dashboard (the document), POST /v1/{hold,release,rollback}.
  http::ServerResponse handle(const http::ServerRequest& request);

 private:
  void evaluate(TimestampMs now);
  /// Records a decision's events and carries out a rollback it decides.
  void apply(const policy::Decision& decision, TimestampMs now);
  http::ServerResponse command(const std::string& name, const http::ServerRequest& request);
  std::string document();

  TestAgentOptions options_;
  const Clock& clock_;
  std::mutex mutex_;
  tsdb::Storage storage_;
  std::vector<std::unique_ptr<scrape::Prober>> probers_;
  promql::Engine engine_;
  TimestampMs switchedAt_;
  policy::Escalator escalator_;
  std::vector<rules::RuleEvaluation> evaluations_;
  std::vector<policy::TimelineEvent> timeline_;
  std::vector<CommandRecord> commands_;
  traffic::DryRunSwitch switch_{"the test's traffic"};
  std::string backend_ = "green";
};

}  // namespace nova::dashboard::browser
