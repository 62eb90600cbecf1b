#include <doctest/doctest.h>

#include "nova/daemon/config.h"

namespace nova::daemon {
namespace {

ConfigEnvironment sourcesEnv() {
  ConfigEnvironment env;
  env.baseDir = "/etc/nova";
  env.getenv = [](const std::string& name) -> std::optional<std::string> {
    return name == "MIMIR_PASSWORD" ? std::optional<std::string>("pa55") : std::nullopt;
  };
  env.readFile = [](const std::string& path) -> Result<std::string> {
    if (path == "/etc/nova/prom-token") {
      return std::string("t0ken");
    }
    return Error(ErrorCode::kNotFound, "no such file");
  };
  return env;
}

constexpr std::string_view kTarget =
    "target: {health_url: http://g/health, metrics_url: http://g/metrics}\n";

TEST_CASE("sources: every field, secrets from files and the environment, never shown") {
  const std::string yaml = std::string(kTarget) +
                           "sources:\n"
                           "  prometheus:\n"
                           "    url: http://prometheus:9090\n"
                           "    timeout: 3s\n"
                           "    bearer_token: {file: prom-token}\n"
                           "  mimir:\n"
                           "    url: http://mimir/prometheus\n"
                           "    tenant: team-a\n"
                           "    basic_auth: {username: nova, password: {env: MIMIR_PASSWORD}}\n"
                           "    ca_file: ca.pem\n"
                           "    headers: {X-Extra: one}\n"
                           "    lookback_delta: 2m\n"
                           "    partial_response: true\n"
                           "remote_queries: {max_concurrent: 4, max_age: 10s}\n";
  auto config = loadConfig(yaml, "agent.yaml", {}, sourcesEnv());
  REQUIRE_MESSAGE(config.ok(), config.error().message);
  REQUIRE(config->sources.size() == 2);
  const auto& prom = config->sources[0];
  CHECK(prom.name == "prometheus");
  CHECK(prom.timeout == 3 * kSecond);
  CHECK(prom.bearerToken.reveal() == "t0ken");
  const auto& mimir = config->sources[1];
  CHECK(mimir.tenant == "team-a");
  CHECK(mimir.basicUser == "nova");
  CHECK(mimir.basicPassword.reveal() == "pa55");
  CHECK(mimir.caFile == "/etc/nova/ca.pem");
  CHECK(mimir.headers == http::Headers{{"X-Extra", "one"}});
  CHECK(mimir.lookbackDelta == 2 * kMinute);
  CHECK(mimir.partialResponse == true);
  CHECK(config->remoteConcurrency == 4);
  CHECK(config->remoteMaxAge == 10 * kSecond);
  const std::string described = describe(*config);
  CHECK(described.find("t0ken") == std::string::npos);
  CHECK(described.find("pa55") == std::string::npos);
  CHECK(described.find("\"auth\":\"bearer <redacted>\"") != std::string::npos);
}

TEST_CASE("sources: problems are named with their place") {
  const std::string yaml = std::string(kTarget) +
                           "sources:\n"
                           "  a:\n"
                           "    url: ftp://x\n"
                           "    bearer_token: inline-token\n"
                           "    tenat: x\n";
  auto config = loadConfig(yaml, "agent.yaml", {}, sourcesEnv());
  REQUIRE_FALSE(config.ok());
  const std::string& m = config.error().message;
  CHECK(m.find("unknown key \"sources.a.tenat\"; did you mean \"tenant\"?") != std::string::npos);
  auto bad = loadConfig(
      std::string(kTarget) + "sources:\n  a:\n    url: ftp://x\n    bearer_token: inline\n",
      "agent.yaml", {}, sourcesEnv());
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.find("sources.a.url: must be an http:// or https:// URL") !=
        std::string::npos);
  CHECK(bad.error().message.find(
            "sources.a.bearer_token: must be a secret, {file: path} or {env: NAME}") !=
        std::string::npos);
  CHECK(bad.error().message.find("inline") == std::string::npos);
}

}  // namespace
}  // namespace nova::daemon
