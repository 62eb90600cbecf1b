#pragma once

#include <signal.h>
#include <sys/types.h>

#include <map>
#include <memory>
#include <string>

#include "nova/http/client.h"
#include "nova/testing/child_process.h"
#include "nova/testing/temp_dir.h"

namespace nova::hostile::test {

/// A parsed Prometheus text page, enough to sum counters by label.
class MetricsPage {
 public:
  explicit MetricsPage(const std::string& body);
  /// Sum of the samples named `name` carrying every label in `match`.
  double sum(const std::string& name, const std::map<std::string, std::string>& match = {}) const;

 private:
  struct Sample {
    std::string name;
    std::map<std::string, std::string> labels;
    double value;
  };
  std::vector<Sample> samples_;
};

/// The nova-agent binary watching one target, with the dry-run switch, the default rules, 1 s
/// scrapes and 500 ms health probes (1 s and 2 s timeouts), on a free loopback port.
class AgentProcess {
 public:
  AgentProcess(const std::string& healthUrl, const std::string& metricsUrl);
  /// Kills the agent if it still runs and removes its config folder.
  ~AgentProcess() = default;
  AgentProcess(const AgentProcess&) = delete;
  AgentProcess& operator=(const AgentProcess&) = delete;

  /// Waits until /healthz answers 200; false after `timeoutMs` or when the agent exited.
  bool waitUntilServing(int timeoutMs);
  bool running() { return child_->running(); }
  pid_t pid() const { return child_->pid(); }
  /// GET on the agent's own server; status 0 when it did not answer.
  http::Response get(const std::string& path);
  MetricsPage metrics() { return MetricsPage(get("/metrics").body); }
  /// SIGTERM, then SIGKILL after `timeoutMs`: the exit status, -1 when it had to be killed.
  int terminate(int timeoutMs) { return child_->stop(timeoutMs, SIGTERM); }

 private:
  testing::TempDir dir_{"nova-hostile-agent"};
  int port_ = 0;
  http::Client client_;
  std::unique_ptr<testing::ChildProcess> child_;
};

}  // namespace nova::hostile::test
