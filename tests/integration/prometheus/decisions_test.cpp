// The default rules' breach decisions, measured twice: by the agent's own probe and scrape
// (scrape::Prober into its store, evaluated locally) and by Debian's real Prometheus 2.42
// scraping the same nova-demo-service (the same rules with `source: prometheus`). One demo
// per case, all at once: healthy, and under each fault the demo offers that a default rule
// watches. Every rule must be breaching, ok or unknown alike on both sides, at several
// instants; values agree within a tolerance (kRelative, kAbsolute: see there why).
//
// Prometheus cannot probe /health; the agent's probe result (nova_agent_health_up) reaches
// it the way it reaches any Prometheus in production, by scraping it: a small exposition
// of the probe's latest result, scraped with honor_labels. Real time: the processes are real.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "nova/core/clock.h"
#include "nova/core/files.h"
#include "nova/http/client.h"
#include "nova/http/server.h"
#include "nova/promql/engine.h"
#include "nova/remote/query_runner.h"
#include "nova/rules/evaluator.h"
#include "nova/rules/loader.h"
#include "nova/scrape/prober.h"
#include "nova/testing/child_process.h"
#include "nova/testing/log_capture.h"
#include "nova/testing/temp_dir.h"
#include "nova/tsdb/storage.h"
#include "prometheus_process.h"
#include "traffic_load.h"

namespace nova {
namespace {

using State = policy::RuleObservation::State;

// The two sides scrape the same counters at instants up to one scrape interval (1 s) apart,
// with independent phases. A 1m rate over the ~20 s of data a case has differs by about one
// interval's increments at each end of the window (2 of ~20 intervals: 10%); a share of
// two such rates (errors / requests, fast / all) moves far less, and a share or a 0/1 value
// far from its threshold by at most a few hundredths. Values agree when within 10% of the
// larger or within 0.02, whichever is looser.
constexpr double kRelative = 0.10;
constexpr double kAbsolute = 0.02;

std::string name(State state) {
  return std::string(policy::toString(state));
}

bool withinTolerance(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) {
    return std::isnan(a) && std::isnan(b);
  }
  return std::fabs(a - b) <= std::max(kAbsolute, kRelative * std::max(std::fabs(a), std::fabs(b)));
}

struct FaultCase {
  const char* name;
  /// Applied at start (--faults), so every window sees only the fault.
  const char* faultsAtStart;
  /// Applied once both sides have scraped a few times (an event such as data loss counts
  /// when it is switched on, so the counter must have been seen at 0 first).
  const char* faultsLater;
  /// The rules that must not be ok, with their state; every other rule must be ok.
  std::map<std::string, State> notOk;
  /// Clients sending requests one after the other.
  int clients = 1;
};

const FaultCase kCases[] = {
    {"healthy", "{}", nullptr, {}},
    {"errors",
     R"({"error_ratio":0.1})",
     nullptr,
     {{"error_rate_high", State::kBreaching},
      {"error_rate_elevated", State::kBreaching},
      {"error_rate_slo", State::kBreaching}}},
    // Four clients at 300 ms a request: traffic_collapsed's guard (5m rate >= 0.5) well
    // above its bar while the series is 20 s old (one client would sit at its edge).
    {"latency", R"({"added_latency_ms":300})", nullptr, {{"latency_p95", State::kBreaching}}, 4},
    // Three clients: at one, 110 ms per request puts traffic_collapsed's guard (5m rate
    // >= 0.5) right at its bar while the series is 20 s old; at three, far above it.
    {"db latency", R"({"db_latency_ms":110})", nullptr, {{"db_query_p95", State::kBreaching}}, 3},
    // The agent's own probes, answered 503, are errors of the /health route: 2 a second
    // among ~100 requests of two clients, 2%, far from both 1% and 5%.
    {"health down",
     R"({"health_down":true})",
     nullptr,
     {{"api_down", State::kBreaching},
      {"pods_unhealthy", State::kBreaching},
      {"error_rate_elevated", State::kBreaching},
      {"error_rate_slo", State::kBreaching}},
     2},
    // Every series of the demo is gone: the counters' rules have never had data, so their
    // guards say "not enough traffic"; data_loss has no guard and no data.
    {"metrics down",
     R"({"metrics_down":true})",
     nullptr,
     {{"metrics_scrape_failing", State::kBreaching}, {"data_loss", State::kUnknown}}},
    {"data loss", "{}", R"({"data_loss":true})", {{"data_loss", State::kBreaching}}},
};

// One case: the demo with its traffic, the agent's prober into a store, the probe's result
// exposed for Prometheus, and Prometheus.
class Measured {
 public:
  Measured(const FaultCase& fault, const testing::TempDir& dir)
      : fault_(fault),
        demoLog_(dir.file(std::string(fault.name) + "-demo.log")),
        demo_({.argv = {NOVA_DEMO_SERVICE_BIN, "--listen", "127.0.0.1:0", "--token", "demo-token",
                        "--faults", fault.faultsAtStart},
               .log = &demoLog_}),
        port_(demo_.waitForPort(10 * kSecond)) {
    REQUIRE(port_ > 0);
    for (int i = 0; i < fault.clients; ++i) {
      traffic_.push_back(std::make_unique<testing::Traffic>(port_));
    }
    auto exporter = http::Server::start({}, [this](const http::ServerRequest&) {
      http::ServerResponse response;
      response.contentType = "text/plain; version=0.0.4";
      if (healthUp_ >= 0) {
        response.body = "nova_agent_health_up{instance=\"" + target() + "\",job=\"demo\"} " +
                        std::to_string(healthUp_.load()) + "\n";
      }
      return response;
    });
    REQUIRE(exporter.ok());
    exporter_ = std::move(exporter).value();
    auto prometheus = testing::PrometheusProcess::start(
        target(), {"127.0.0.1:" + std::to_string(exporter_->port())});
    REQUIRE_MESSAGE(prometheus.ok(), prometheus.error().message);
    prometheus_ = std::move(prometheus).value();
    scrape::TargetConfig config;
    config.healthUrl = url() + "/health";
    config.metricsUrl = url() + "/metrics";
    config.labels = Labels{{"instance", target()}, {"job", "demo"}};
    prober_ = std::make_unique<scrape::Prober>(config, storage_, clock_);
    thread_ = std::thread([this] { probeLoop(); });
  }
  ~Measured() {
    stop_ = true;
    thread_.join();
  }

  const FaultCase& fault() const { return fault_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string target() const { return "127.0.0.1:" + std::to_string(port_); }
  std::string prometheusUrl() const { return prometheus_->url(); }
  int scrapes() const { return scrapes_; }
  /// Scrapes of the demo Prometheus holds.
  int prometheusScrapes() const {
    http::Client client;
    auto r = client.perform(
        {.url = prometheusUrl() +
                "/api/v1/query?query=count_over_time(up%7Bjob%3D%22demo%22%7D%5B1m%5D)",
         .timeout = 2 * kSecond});
    if (!r.ok() || r->status != 200) {
      return 0;
    }
    const auto at = r->body.find("\"value\":[");
    const auto quote = at == std::string::npos ? at : r->body.find(",\"", at);
    return quote == std::string::npos ? 0 : std::atoi(r->body.c_str() + quote + 2);
  }

  void applyLaterFaults() {
    if (fault_.faultsLater == nullptr) {
      return;
    }
    http::Client client;
    auto r = client.perform(
        {.method = "POST", .url = url() + "/admin/faults", .body = fault_.faultsLater});
    REQUIRE(r.ok());
    REQUIRE(r->status == 200);
  }

  /// The rules evaluated over the agent's own store at `at`.
  std::vector<rules::RuleEvaluation> evaluateLocally(const rules::RuleSet& set,
                                                     const promql::Engine& engine, TimestampMs at) {
    const std::lock_guard lock(mutex_);
    return rules::evaluateRules(set, engine, storage_, at);
  }

 private:
  void probeLoop() {
    while (!stop_) {
      const std::lock_guard lock(mutex_);
      for (const scrape::ProbeEvent& e : prober_->poll(50)) {
        if (e.kind == scrape::ProbeEvent::Kind::kHealth) {
          healthUp_ = e.ok ? 1 : 0;
        } else {
          ++scrapes_;
        }
      }
    }
  }

  const FaultCase& fault_;
  testing::LogCapture demoLog_;
  testing::ChildProcess demo_;
  int port_ = 0;
  std::vector<std::unique_ptr<testing::Traffic>> traffic_;
  std::atomic<int> healthUp_{-1};
  std::unique_ptr<http::Server> exporter_;
  std::unique_ptr<testing::PrometheusProcess> prometheus_;
  SystemClock clock_;
  std::mutex mutex_;
  tsdb::Storage storage_{tsdb::Limits{}};
  std::unique_ptr<scrape::Prober> prober_;
  std::atomic<int> scrapes_{0};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

std::string defaultRulesText() {
  auto text = readFile(std::string(NOVA_SOURCE_DIR) + "/rules/default.yaml", 1 << 20);
  REQUIRE(text.ok());
  return *text;
}

// The default rules as the agent loads them, each with its own memory (guards, recording).
rules::RuleSet defaultRules(bool remote) {
  auto set = rules::load(defaultRulesText(), "default.yaml");
  REQUIRE(set.ok());
  if (remote) {
    for (rules::Rule& rule : set->rules) {
      rule.source = rules::RuleSource::kPrometheus;
      rule.sourceName = "prometheus";
    }
  }
  return std::move(set).value();
}

// What Prometheus answers for the remote set's queries at `at`, as the daemon's rounds
// hand them to the evaluator.
rules::RemoteAnswers askPrometheus(const rules::RuleSet& set, const remote::SourceConfig& source,
                                   TimestampMs at) {
  SystemClock clock;
  remote::QueryRunner runner(clock, 8);
  const std::vector<rules::RemoteQuery> queries = rules::remoteQueries(set);
  std::vector<remote::QueryTask> tasks;
  for (const rules::RemoteQuery& q : queries) {
    tasks.push_back({&source, q.expr, at});
  }
  std::vector<remote::QueryOutcome> outcomes = runner.run(tasks, 10 * kSecond);
  rules::RemoteAnswers answers;
  for (std::size_t i = 0; i < queries.size(); ++i) {
    if (outcomes[i].answer.ok()) {
      answers.emplace(queries[i], std::move(outcomes[i].answer->value));
    } else {
      answers.emplace(queries[i], outcomes[i].answer.error());
    }
  }
  return answers;
}

// Real time: waits for the real processes.
void sleepMs(int ms) {
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

TEST_CASE("prometheus 2.42 and the agent's own scrape give the default rules' same decisions") {
  const auto started = std::chrono::steady_clock::now();
  testing::TempDir dir("nova-prom-decisions");
  std::vector<std::unique_ptr<Measured>> cases;
  for (const FaultCase& fault : kCases) {
    cases.push_back(std::make_unique<Measured>(fault, dir));
  }
  // A few scrapes on both sides before the faults that are events.
  for (int i = 0; i < 100; ++i) {
    bool ready = true;
    for (const auto& c : cases) {
      ready = ready && c->scrapes() >= 3 && c->prometheusScrapes() >= 3;
    }
    if (ready) {
      break;
    }
    sleepMs(100);
  }
  for (const auto& c : cases) {
    c->applyLaterFaults();
  }
  // 15 s of each fault in every window: the shares are the fault's, far from thresholds.
  sleepMs(15'000);

  const promql::Engine engine;
  const rules::RuleSet ruleNames = defaultRules(false);
  std::vector<rules::RuleSet> local;
  std::vector<rules::RuleSet> remote;
  std::vector<remote::SourceConfig> sources;
  for (const auto& c : cases) {
    local.push_back(defaultRules(false));
    remote.push_back(defaultRules(true));
    remote::SourceConfig source;
    source.name = "prometheus";
    source.url = c->prometheusUrl();
    source.timeout = 5 * kSecond;
    sources.push_back(source);
  }
  int compared = 0;
  double worstValueGap = 0;
  for (int round = 0; round < 3; ++round) {
    // Two seconds back: both sides have stored every scrape up to then.
    const TimestampMs at = SystemClock().now() - 2 * kSecond;
    for (std::size_t i = 0; i < cases.size(); ++i) {
      const FaultCase& fault = cases[i]->fault();
      const auto ours = cases[i]->evaluateLocally(local[i], engine, at);
      const tsdb::Storage empty(tsdb::Limits{});
      const rules::RemoteAnswers answers = askPrometheus(remote[i], sources[i], at);
      const auto theirs = rules::evaluateRules(remote[i], engine, empty, at, &answers);
      REQUIRE(ours.size() == theirs.size());
      for (std::size_t r = 0; r < ours.size(); ++r) {
        const auto& mine = ours[r].observation;
        const auto& prom = theirs[r].observation;
        const std::string caseName = fault.name;
        CAPTURE(caseName);
        CAPTURE(mine.rule);
        CAPTURE(round);
        INFO("local: " << policy::toString(mine.state) << " " << mine.value << " " << ours[r].reason
                       << "; prometheus: " << policy::toString(prom.state) << " " << prom.value
                       << " " << theirs[r].reason);
        const auto expected = fault.notOk.find(mine.rule);
        const State want = expected == fault.notOk.end() ? State::kOk : expected->second;
        CHECK(name(mine.state) == name(want));
        CHECK(name(prom.state) == name(mine.state));
        CHECK(withinTolerance(mine.value, prom.value));
        if (!std::isnan(mine.value) && !std::isnan(prom.value)) {
          worstValueGap = std::max(worstValueGap, std::fabs(mine.value - prom.value));
        }
        ++compared;
      }
    }
    sleepMs(2'000);
  }
  CHECK(compared == 3 * static_cast<int>(cases.size() * ruleNames.rules.size()));
  const auto seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  MESSAGE(compared << " decisions compared over " << cases.size() << " cases; largest value gap "
                   << worstValueGap << "; " << seconds << " s");
}

}  // namespace
}  // namespace nova
