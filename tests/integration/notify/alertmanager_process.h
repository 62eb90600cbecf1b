#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "nova/core/result.h"
#include "nova/testing/child_process.h"
#include "nova/testing/log_capture.h"
#include "nova/testing/temp_dir.h"

namespace nova::testing {

/// A real Alertmanager on 127.0.0.1 with a temporary config (one receiver with no
/// integrations) and temporary storage, clustering off, started through tests/support's
/// launcher. The destructor stops the process (SIGTERM, then SIGKILL) and removes the
/// directory.
class AlertmanagerProcess {
 public:
  /// The binary: $NOVA_ALERTMANAGER_BIN or /usr/bin/prometheus-alertmanager.
  static std::string binary();
  /// Starts it and waits until GET /-/ready answers 200 (at most 15 s): kUnavailable when
  /// it exits or is not ready in time. Throws std::runtime_error naming the package when
  /// the binary is missing.
  static Result<std::unique_ptr<AlertmanagerProcess>> start();
  ~AlertmanagerProcess();

  /// "http://127.0.0.1:<port>".
  std::string url() const;
  /// The process's stdout and stderr so far, for failure messages.
  std::string log() const;

 private:
  AlertmanagerProcess() = default;
  TempDir dir_{"nova-alertmanager"};
  LogCapture log_{dir_.file("stderr.log")};
  std::uint16_t port_ = 0;
  std::unique_ptr<ChildProcess> child_;
};

}  // namespace nova::testing
