#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "nova/core/result.h"
#include "nova/testing/child_process.h"
#include "nova/testing/log_capture.h"
#include "nova/testing/temp_dir.h"

namespace nova::testing {

/// A real Prometheus on 127.0.0.1 with temporary storage, scraping a demo target (host:port,
/// job "demo"), optional agent targets (job "agent", their labels honoured) and itself (job
/// "prometheus") every second. The destructor stops it (SIGTERM, then SIGKILL) and removes
/// the folder.
class PrometheusProcess {
 public:
  /// The binary: $NOVA_PROMETHEUS_BIN or /usr/bin/prometheus.
  static std::string binary();
  /// Starts it and waits until /-/ready answers 200 (at most 20 s): kUnavailable when it
  /// exits or is not ready in time. Throws std::runtime_error naming the package when the
  /// binary is missing.
  static Result<std::unique_ptr<PrometheusProcess>> start(
      const std::string& demoTarget, const std::vector<std::string>& agentTargets = {});
  ~PrometheusProcess();

  /// Stops it now (SIGTERM, then SIGKILL after 5 s): its port refuses connections after.
  void stop();

  /// "http://127.0.0.1:<port>".
  std::string url() const;
  std::string log() const;

 private:
  PrometheusProcess() = default;
  TempDir dir_{"nova-prometheus"};
  LogCapture log_{dir_.file("stderr.log")};
  std::uint16_t port_ = 0;
  std::unique_ptr<ChildProcess> child_;
};

}  // namespace nova::testing
