// leader_election: the Lease several agents share, client-go's timings by default.
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
  const std::string text =
      "target: {health_url: http://g/health, metrics_url: http://g/metrics}\n" + std::string(yaml);
  return loadConfig(text, "agent.yaml", {}, env);
}

}  // namespace

TEST_CASE("leader_election: off unless configured; client-go's timings by default") {
  auto off = load("");
  REQUIRE(off.ok());
  CHECK_FALSE(off->leaderElection);
  auto disabled = load("leader_election: {enabled: false}\n");
  REQUIRE(disabled.ok());
  CHECK_FALSE(disabled->leaderElection);

  auto c = load(R"(
leader_election:
  namespace: production
  name: nova-agent-user-service
  token_file: token
)");
  REQUIRE_MESSAGE(c.ok(), c.error().message);
  REQUIRE(c->leaderElection);
  CHECK(c->leaderElection->ns == "production");
  CHECK(c->leaderElection->name == "nova-agent-user-service");
  CHECK(c->leaderElection->identity.empty());
  CHECK(c->leaderElection->leaseDuration == 15 * kSecond);
  CHECK(c->leaderElection->renewDeadline == 10 * kSecond);
  CHECK(c->leaderElection->retryPeriod == 2 * kSecond);
  CHECK(c->leaderElection->tokenFile == "/etc/nova/token");
  CHECK(describe(*c).find(R"("leader_election":{"namespace":"production")") != std::string::npos);
}

TEST_CASE("leader_election: timings that could give two leaders are refused, with the place") {
  auto c = load(R"(
leader_election:
  namespace: production
  name: nova-agent
  identity: agent-a
  lease_duration: 10s
  renew_deadline: 10s
)");
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().code == ErrorCode::kInvalidInput);
  CHECK(c.error().message ==
        "agent.yaml:4:3: leader_election: lease_duration must be more than renew_deadline (10000 "
        "ms vs 10000 ms)");
  auto missing = load("leader_election: {name: x, lease_duration: 1500ms, retry_perod: 1s}\n");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().message.find("leader_election.namespace: missing") != std::string::npos);
  CHECK(missing.error().message.find("retry_perod") != std::string::npos);
  CHECK(missing.error().message.find("lease_duration: must be whole seconds") != std::string::npos);
}

}  // namespace nova::daemon
