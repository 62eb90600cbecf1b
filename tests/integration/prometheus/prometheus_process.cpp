#include "prometheus_process.h"

#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "nova/http/client.h"
#include "nova/testing/tools.h"

namespace nova::testing {

std::string PrometheusProcess::binary() {
  const char* env = std::getenv("NOVA_PROMETHEUS_BIN");
  return env != nullptr ? env : "/usr/bin/prometheus";
}

Result<std::unique_ptr<PrometheusProcess>> PrometheusProcess::start(
    const std::string& demoTarget, const std::vector<std::string>& agentTargets) {
  std::unique_ptr<PrometheusProcess> p(new PrometheusProcess());
  // Prometheus cannot report a port it picked itself: take one the kernel just handed out.
  p->port_ = static_cast<std::uint16_t>(freeLoopbackPort());
  const std::string self = "127.0.0.1:" + std::to_string(p->port_);
  std::string agentJob;
  if (!agentTargets.empty()) {
    agentJob = "  - job_name: agent\n    honor_labels: true\n    static_configs: [{targets: [";
    for (std::size_t i = 0; i < agentTargets.size(); ++i) {
      agentJob += (i == 0 ? "'" : ", '") + agentTargets[i] + "'";
    }
    agentJob += "]}]\n";
  }
  const std::string config =
      p->dir_.write("prometheus.yml",
                    "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                    "scrape_configs:\n"
                    "  - job_name: demo\n    static_configs: [{targets: ['" +
                        demoTarget +
                        "']}]\n"
                        "  - job_name: prometheus\n    static_configs: [{targets: ['" +
                        self + "']}]\n" + agentJob);
  std::filesystem::create_directory(p->dir_.file("data"));
  p->child_ = std::make_unique<ChildProcess>(ChildOptions{
      .argv = {binary(), "--config.file=" + config, "--storage.tsdb.path=" + p->dir_.file("data"),
               "--web.listen-address=" + self},
      .package = "Debian's prometheus",
      .captureStdout = false,
      .log = &p->log_});
  http::Client client;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (!p->child_->running()) {
      return Error(ErrorCode::kUnavailable, "prometheus exited early: " + p->log());
    }
    http::Request ready;
    ready.url = p->url() + "/-/ready";
    ready.timeout = 1000;
    if (auto r = client.perform(ready); r.ok() && r->status == 200) {
      return p;
    }
    // Real time: Prometheus is a real process starting up.
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return Error(ErrorCode::kUnavailable, "prometheus not ready within 20s: " + p->log());
}

PrometheusProcess::~PrometheusProcess() {
  stop();
}

void PrometheusProcess::stop() {
  if (child_) {
    child_->stop(5 * kSecond, SIGTERM);
    child_.reset();
  }
}

std::string PrometheusProcess::url() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

std::string PrometheusProcess::log() const {
  return log_.text();
}

}  // namespace nova::testing
