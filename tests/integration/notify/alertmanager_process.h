#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>

#include "nova/core/result.h"

namespace nova::testing {

/// A real Alertmanager on 127.0.0.1 with a temporary config (one receiver with no
/// integrations) and temporary storage, clustering off. The destructor kills the process
/// (SIGTERM, then SIGKILL) and removes the directory.
class AlertmanagerProcess {
 public:
  /// The binary: $NOVA_ALERTMANAGER_BIN or /usr/bin/prometheus-alertmanager.
  static std::string binary();
  /// Starts it and waits until GET /-/ready answers 200 (at most 15 s).
  static Result<std::unique_ptr<AlertmanagerProcess>> start();
  ~AlertmanagerProcess();

  /// "http://127.0.0.1:<port>".
  std::string url() const;
  /// The process's stderr so far, for failure messages.
  std::string log() const;

 private:
  AlertmanagerProcess() = default;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  std::string dir_;
};

}  // namespace nova::testing
