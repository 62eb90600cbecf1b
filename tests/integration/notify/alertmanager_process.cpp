#include "alertmanager_process.h"

#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>
#include <vector>

#include "nova/http/client.h"
#include "nova/testing/tools.h"

namespace nova::testing {
namespace {

constexpr const char* kConfig =
    "route:\n"
    "  receiver: blackhole\n"
    "receivers:\n"
    "  - name: blackhole\n";

}  // namespace

std::string AlertmanagerProcess::binary() {
  const char* env = std::getenv("NOVA_ALERTMANAGER_BIN");
  return env != nullptr ? env : "/usr/bin/prometheus-alertmanager";
}

Result<std::unique_ptr<AlertmanagerProcess>> AlertmanagerProcess::start() {
  std::unique_ptr<AlertmanagerProcess> am(new AlertmanagerProcess());
  const std::string config = am->dir_.write("am.yml", kConfig);
  std::filesystem::create_directory(am->dir_.file("data"));
  // Alertmanager cannot report a port it picked itself: take one the kernel just handed out.
  am->port_ = static_cast<std::uint16_t>(freeLoopbackPort());
  am->child_ = std::make_unique<ChildProcess>(ChildOptions{
      .argv = {binary(), "--config.file=" + config, "--storage.path=" + am->dir_.file("data"),
               "--web.listen-address=127.0.0.1:" + std::to_string(am->port_),
               "--cluster.listen-address="},
      .package = "Debian's prometheus-alertmanager",
      .captureStdout = false,
      .log = &am->log_});
  http::Client client;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (std::chrono::steady_clock::now() < deadline) {
    if (!am->child_->running()) {
      return Error(ErrorCode::kUnavailable, "alertmanager exited early: " + am->log());
    }
    http::Request ready;
    ready.url = am->url() + "/-/ready";
    ready.timeout = 1000;
    if (auto r = client.perform(ready); r.ok() && r->status == 200) {
      return am;
    }
    // Real time: Alertmanager is a real process starting up.
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return Error(ErrorCode::kUnavailable, "alertmanager not ready within 15s: " + am->log());
}

AlertmanagerProcess::~AlertmanagerProcess() {
  if (child_) {
    child_->stop(5 * kSecond, SIGTERM);
  }
}

std::string AlertmanagerProcess::url() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

std::string AlertmanagerProcess::log() const {
  return log_.text();
}

}  // namespace nova::testing
