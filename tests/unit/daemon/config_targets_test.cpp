// target.urls and target.discovery: several targets instead of health_url and metrics_url.
#include <doctest/doctest.h>

#include "nova/daemon/config.h"

namespace nova::daemon {
namespace {

Result<AgentConfig> load(std::string_view yaml) {
  ConfigEnvironment env;
  env.baseDir = "/etc/nova";
  env.getenv = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  env.readFile = [](const std::string&) -> Result<std::string> {
    return Error(ErrorCode::kNotFound, "no such file");
  };
  return loadConfig(yaml, "agent.yaml", {}, env);
}

}  // namespace

TEST_CASE("target.discovery names the Service, its port and labels; the pool has defaults") {
  auto c = load(R"(
target:
  labels: {job: user-service}
  max_series: 2000
  discovery:
    kind: kubernetes
    namespace: production
    service: user-service-green
    port: http
    labels: {color: green}
    server: http://127.0.0.1:6443
    token_file: token
)");
  REQUIRE(c.ok());
  REQUIRE(c->discovery.has_value());
  CHECK(c->discovery->kubernetes.ns == "production");
  CHECK(c->discovery->kubernetes.service == "user-service-green");
  CHECK(c->discovery->kubernetes.port == "http");
  CHECK(c->discovery->kubernetes.labels == Labels{{"color", "green"}});
  CHECK(c->discovery->server == "http://127.0.0.1:6443");
  CHECK(c->discovery->tokenFile == "/etc/nova/token");
  CHECK(c->target.healthUrl.empty());
  CHECK(c->target.maxSeries == 2000);
  CHECK(c->pool.maxTargets == 50);
  CHECK(c->pool.healthPath == "/health");
  CHECK(c->pool.metricsPath == "/metrics");
  CHECK(describe(*c).find(R"("service":"user-service-green")") != std::string::npos);
}

TEST_CASE("target.urls lists static targets; paths and the limit are settable") {
  auto c = load(R"(
target:
  urls: [http://10.0.0.1:8081, http://10.0.0.2:8081]
  metrics_path: /internal/metrics
  max_targets: 3
)");
  REQUIRE(c.ok());
  CHECK(c->targetUrls == std::vector<std::string>{"http://10.0.0.1:8081", "http://10.0.0.2:8081"});
  CHECK(c->pool.metricsPath == "/internal/metrics");
  CHECK(c->pool.maxTargets == 3);
  CHECK_FALSE(c->discovery.has_value());
}

TEST_CASE("bad several-target settings are reported with their places") {
  auto c = load(R"(
target:
  health_url: http://green:8080/health
  urls: [ftp://x]
  discovery: {kind: consul, namespace: production, prot: http}
  max_targets: 0
  health_path: health
)");
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().code == ErrorCode::kInvalidInput);
  const std::string& m = c.error().message;
  CHECK(m.find("agent.yaml:3:15: target.health_url: not with target.urls or target.discovery") !=
        std::string::npos);
  CHECK(m.find("target.urls: not with target.discovery") != std::string::npos);
  CHECK(m.find("target.urls[0]: must be an http:// or https:// URL") != std::string::npos);
  CHECK(m.find("unknown key \"target.discovery.prot\"") != std::string::npos);
  CHECK(m.find("target.max_targets:") != std::string::npos);
  CHECK(m.find("target.health_path: must start with /") != std::string::npos);
}

}  // namespace nova::daemon
