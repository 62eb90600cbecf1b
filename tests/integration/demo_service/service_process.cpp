#include "service_process.h"

#include <signal.h>

#include <stdexcept>

#include "nova/core/time.h"

namespace nova::demo::test {

ServiceProcess::ServiceProcess(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {NOVA_DEMO_SERVICE_BIN, "--listen", "127.0.0.1:0"};
  argv.insert(argv.end(), args.begin(), args.end());
  child_ = std::make_unique<testing::ChildProcess>(testing::ChildOptions{.argv = std::move(argv)});
  const int port = child_->waitForPort(10 * kSecond);
  if (port <= 0) {
    throw std::runtime_error("nova-demo-service printed no \"listening on\" line within 10 s");
  }
  port_ = static_cast<std::uint16_t>(port);
}

std::string ServiceProcess::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

int ServiceProcess::terminate(int timeoutMs) {
  return child_->stop(timeoutMs, SIGTERM);
}

}  // namespace nova::demo::test
