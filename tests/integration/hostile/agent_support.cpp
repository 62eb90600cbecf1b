#include "agent_support.h"

#include <chrono>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "nova/expo/parser.h"
#include "nova/testing/tools.h"

namespace nova::hostile::test {
namespace {

std::string writeConfig(const testing::TempDir& dir, const std::string& healthUrl,
                        const std::string& metricsUrl, int port) {
  std::ostringstream config;
  config << "target:\n"
         << "  health_url: " << healthUrl << "\n"
         << "  metrics_url: " << metricsUrl << "\n"
         << "  health_interval: 500ms\n"
         << "  metrics_interval: 1s\n"
         << "  health_timeout: 1s\n"
         << "  metrics_timeout: 2s\n"
         << "rule_files: [" << NOVA_SOURCE_DIR << "/rules/default.yaml]\n"
         << "switch:\n  type: dry-run\n"
         << "dry_run: true\n"
         << "listen: 127.0.0.1:" << port << "\n";
  return dir.write("agent.yaml", config.str());
}

}  // namespace

MetricsPage::MetricsPage(const std::string& body) {
  expo::Parser parser(body);
  expo::SampleView view;
  while (parser.next(view)) {
    Sample sample{std::string(view.name), {}, view.value};
    for (const auto& label : view.labels) {
      sample.labels[std::string(label.name)] = std::string(label.value);
    }
    samples_.push_back(std::move(sample));
  }
  if (parser.error()) {
    throw std::runtime_error("agent /metrics: " + parser.error()->toString());
  }
}

double MetricsPage::sum(const std::string& name,
                        const std::map<std::string, std::string>& match) const {
  double total = 0;
  for (const auto& sample : samples_) {
    bool matches = sample.name == name;
    for (const auto& [key, want] : match) {
      const auto it = sample.labels.find(key);
      matches = matches && it != sample.labels.end() && it->second == want;
    }
    total += matches ? sample.value : 0;
  }
  return total;
}

AgentProcess::AgentProcess(const std::string& healthUrl, const std::string& metricsUrl) {
  port_ = testing::freeLoopbackPort();
  const std::string config = writeConfig(dir_, healthUrl, metricsUrl, port_);
  // Its log goes to the test's stderr; nothing reads its stdout.
  child_ = std::make_unique<testing::ChildProcess>(
      testing::ChildOptions{.argv = {NOVA_AGENT_BIN, "--config", config}, .captureStdout = false});
}

bool AgentProcess::waitUntilServing(int timeoutMs) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
  while (std::chrono::steady_clock::now() < until && running()) {
    if (get("/healthz").status == 200) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

http::Response AgentProcess::get(const std::string& path) {
  http::Request request;
  request.url = "http://127.0.0.1:" + std::to_string(port_) + path;
  request.timeout = 2000;
  auto result = client_.perform(request);
  return result.ok() ? std::move(*result) : http::Response{};
}

}  // namespace nova::hostile::test
