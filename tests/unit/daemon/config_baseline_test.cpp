// The agent config's `baseline:`: blue's targets and the baseline's window and keep.
#include <doctest/doctest.h>

#include "nova/daemon/config.h"

namespace nova::daemon {
namespace {

ConfigEnvironment noEnvironment() {
  ConfigEnvironment env;
  env.getenv = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  env.readFile = [](const std::string&) -> Result<std::string> {
    return Error(ErrorCode::kNotFound, "no such file");
  };
  return env;
}

constexpr std::string_view kTarget =
    "target: {health_url: http://g/health, metrics_url: http://g/metrics}\n";

Result<AgentConfig> load(std::string_view baseline) {
  return loadConfig(std::string(kTarget) + std::string(baseline), "agent.yaml", {},
                    noEnvironment());
}

TEST_CASE("baseline: every field, and its defaults") {
  auto config = load(
      "baseline:\n"
      "  urls: [http://10.0.1.7:8081, http://10.0.1.8:8081]\n"
      "  metrics_path: /internal/metrics\n"
      "  interval: 15s\n"
      "  timeout: 3s\n"
      "  window: 15m\n"
      "  keep: 30m\n");
  REQUIRE_MESSAGE(config.ok(), config.error().message);
  REQUIRE(config->baseline);
  const BaselineConfig& b = *config->baseline;
  CHECK(b.urls == std::vector<std::string>{"http://10.0.1.7:8081", "http://10.0.1.8:8081"});
  CHECK(b.metricsPath == "/internal/metrics");
  CHECK(b.interval == 15 * kSecond);
  CHECK(b.timeout == 3 * kSecond);
  CHECK(b.options.window == 15 * kMinute);
  CHECK(b.options.keep == 30 * kMinute);
  CHECK(describe(*config).find(
            R"("baseline":{"urls":["http://10.0.1.7:8081","http://10.0.1.8:8081"],)"
            R"("metrics_path":"/internal/metrics","interval":"15s","timeout":"3s",)"
            R"("window":"15m","keep":"30m","discovery":null})") != std::string::npos);

  auto defaults = load("baseline: {urls: [http://blue:8080]}\n");
  REQUIRE_MESSAGE(defaults.ok(), defaults.error().message);
  CHECK(defaults->baseline->metricsPath == "/metrics");
  CHECK(defaults->baseline->interval == 10 * kSecond);
  CHECK(defaults->baseline->options.window == 10 * kMinute);
  CHECK(defaults->baseline->options.keep == kHour);

  auto none = load("");
  REQUIRE(none.ok());
  CHECK_FALSE(none->baseline);
  CHECK(describe(*none).find(R"("baseline":null)") != std::string::npos);
}

TEST_CASE("baseline: every problem named at its place") {
  auto config = load(
      "baseline:\n"
      "  urls: [ftp://blue, http://blue:8080]\n"
      "  metrics_path: metrics\n"
      "  interval: 1m\n"
      "  window: 2m\n"
      "  kepp: 1h\n");
  REQUIRE_FALSE(config.ok());
  CHECK(config.error().code == ErrorCode::kInvalidInput);
  const std::string& m = config.error().message;
  INFO(m);
  CHECK(m.find("agent.yaml:7:3: unknown key \"baseline.kepp\"; did you mean \"keep\"?") !=
        std::string::npos);

  config = load(
      "baseline:\n"
      "  urls: [ftp://blue, http://blue:8080]\n"
      "  metrics_path: metrics\n"
      "  interval: 1m\n"
      "  window: 2m\n");
  REQUIRE_FALSE(config.ok());
  const std::string& message = config.error().message;
  INFO(message);
  CHECK(message.find("agent.yaml:3:10: baseline.urls[0]: must be an http:// or https:// URL") !=
        std::string::npos);
  CHECK(message.find("agent.yaml:4:17: baseline.metrics_path: must start with /") !=
        std::string::npos);
  CHECK(message.find(
            "agent.yaml:6:11: baseline.window: 2m holds fewer than 3 scrapes at interval 1m") !=
        std::string::npos);

  config = load("baseline: {metrics_path: /metrics}\n");
  REQUIRE_FALSE(config.ok());
  CHECK(config.error().message.find("baseline.urls: missing") != std::string::npos);

  config = load(
      "baseline:\n"
      "  urls: [http://blue:8080]\n"
      "  discovery: {kind: kubernetes, namespace: prod, service: blue, port: http}\n");
  REQUIRE_FALSE(config.ok());
  CHECK(config.error().message.find("agent.yaml:3:9: baseline.urls: not with baseline.discovery") !=
        std::string::npos);

  config = load(
      "baseline:\n"
      "  discovery: {kind: kubernetes, service: blue, port: http, labls: {}}\n");
  REQUIRE_FALSE(config.ok());
  INFO(config.error().message);
  CHECK(config.error().message.find("unknown key \"baseline.discovery.labls\"") !=
        std::string::npos);
}

TEST_CASE("baseline: blue's pods found through its Service, like green's") {
  auto config = load(
      "baseline:\n"
      "  discovery:\n"
      "    kind: kubernetes\n"
      "    namespace: production\n"
      "    service: user-service-blue\n"
      "    port: http\n"
      "    labels: {job: user-service}\n"
      "    server: https://10.96.0.1\n");
  REQUIRE_MESSAGE(config.ok(), config.error().message);
  REQUIRE(config->baseline);
  REQUIRE(config->baseline->discovery);
  const auto& k = config->baseline->discovery->kubernetes;
  CHECK(k.ns == "production");
  CHECK(k.service == "user-service-blue");
  CHECK(k.port == "http");
  CHECK(k.labels.get("job") == "user-service");
  CHECK(config->baseline->urls.empty());
  CHECK(describe(*config).find(
            R"("discovery":{"kind":"kubernetes","namespace":"production",)"
            R"("service":"user-service-blue","port":"http","labels":{"job":"user-service"},)"
            R"("server":"https://10.96.0.1"}})") != std::string::npos);

  config = load("baseline: {discovery: {kind: kubernetes, service: user-service-blue}}\n");
  REQUIRE_FALSE(config.ok());
  CHECK(config.error().message.find("baseline.discovery.namespace: missing") != std::string::npos);
  CHECK(config.error().message.find("baseline.discovery.port: missing") != std::string::npos);
}

}  // namespace
}  // namespace nova::daemon
