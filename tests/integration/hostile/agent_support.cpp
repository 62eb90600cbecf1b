#include "agent_support.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "nova/expo/parser.h"

namespace nova::hostile::test {
namespace {

int freeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

std::string writeConfig(const std::string& dir, const std::string& healthUrl,
                        const std::string& metricsUrl, int port) {
  const std::string path = dir + "/agent.yaml";
  std::ofstream(path) << "target:\n"
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
  return path;
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
  char pattern[] = "/tmp/nova-hostile-agent.XXXXXX";
  dir_ = mkdtemp(pattern);
  port_ = freeLoopbackPort();
  const std::string config = writeConfig(dir_, healthUrl, metricsUrl, port_);
  child_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{NOVA_AGENT_BIN, "--config", config}, false);
}

AgentProcess::~AgentProcess() {
  child_.reset();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
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
