#pragma once

#include <doctest/doctest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "nova/fake_kube/fake_kube.h"
#include "nova/kube/client.h"

namespace nova::kube::test {

inline std::string readText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

/// The seed's production namespace (api-ingress on green, blue scaled to 0).
inline std::string productionSeed() {
  return readText(std::string(NOVA_SOURCE_DIR) + "/tests/integration/kube/data/production.yaml");
}

/// Captures spdlog output for the lifetime of the object; lines() returns what was logged.
class LogCapture {
 public:
  LogCapture() : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(stream_);
    sink->set_pattern("%l %v");
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture", sink));
    spdlog::set_level(spdlog::level::debug);
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }
  std::string text() const { return stream_.str(); }
  bool contains(const std::string& part) const { return text().find(part) != std::string::npos; }

 private:
  std::ostringstream stream_;
  std::shared_ptr<spdlog::logger> previous_;
};

/// A fake API server seeded with production, accepting token "T", and clients for it whose
/// backoff sleeps are recorded instead of slept.
struct FakeCluster {
  explicit FakeCluster(fake_kube::Options options = defaultOptions()) {
    auto started = fake_kube::FakeKube::start(std::move(options));
    REQUIRE(started.ok());
    server = std::move(*started);
    REQUIRE(server->seed(productionSeed()).ok());
  }

  static fake_kube::Options defaultOptions() {
    fake_kube::Options options;
    options.tokens = {"T"};
    return options;
  }

  ClusterConfig config(std::string token = "T") const {
    ClusterConfig c;
    c.server = server->url();
    c.token = std::move(token);
    c.defaultNamespace = "production";
    return c;
  }

  ClientOptions options() {
    ClientOptions o;
    o.timeout = 2 * kSecond;
    o.sleep = [this](DurationMs ms) { sleeps.push_back(ms); };
    o.random = [] { return 0.5; };
    return o;
  }

  std::unique_ptr<Client> client(std::string token = "T") {
    return std::make_unique<Client>(config(std::move(token)), options());
  }

  std::string ingressService(const std::string& name = "api-ingress") const {
    auto object = server->object("ingresses", "production", name);
    REQUIRE(object.has_value());
    return std::string(
        object->at_pointer("/spec/rules/0/http/paths/0/backend/service/name").as_string());
  }

  std::unique_ptr<fake_kube::FakeKube> server;
  std::vector<DurationMs> sleeps;
};

}  // namespace nova::kube::test
