#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "nova/testing/child_process.h"

namespace nova::demo::test {

/// nova-demo-service as a child process on 127.0.0.1 with a port it picked itself, started
/// through tests/support's launcher. Compiled into each test that uses it, with
/// NOVA_DEMO_SERVICE_BIN defined; link nova::test_process.
class ServiceProcess {
 public:
  /// Starts the binary with `--listen 127.0.0.1:0` plus `args`, and reads the
  /// "listening on HOST:PORT" line. Throws std::runtime_error when that fails within 10 s.
  explicit ServiceProcess(const std::vector<std::string>& args);
  /// Kills the child if it is still running.
  ~ServiceProcess() = default;
  ServiceProcess(const ServiceProcess&) = delete;
  ServiceProcess& operator=(const ServiceProcess&) = delete;

  std::uint16_t port() const { return port_; }
  /// "http://127.0.0.1:PORT" + path.
  std::string url(const std::string& path) const;
  /// Sends SIGTERM and waits up to `timeoutMs`; returns the exit status, or -1 when the
  /// child did not exit in time (it is then killed).
  int terminate(int timeoutMs);

 private:
  std::unique_ptr<testing::ChildProcess> child_;
  std::uint16_t port_ = 0;
};

}  // namespace nova::demo::test
