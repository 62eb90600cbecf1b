// `novactl rollback` as the command runs it (runRollback): rollout.yaml read from a file, the
// team channel from its `notifiers:`, progress on stderr. The rollback itself runs on the
// system clock here, so blue is seeded to be ready at once and nothing waits.
#include <doctest/doctest.h>

#include <sstream>

#include "fake_slack.h"
#include "nova/rollout/commands.h"
#include "rollback_fixture.h"

namespace nova::rollout {
namespace {

using namespace rollback_fixture;
using test::FakeSlack;

// rollout.yaml for the fixture's API server, with a reachable and an unreachable receiver.
std::string writeConfig(const Fixture& f, const FakeSlack& team) {
  const std::string text =
      "switch:\n  type: gateway-httproute\n  server: " + f.api->url() +
      "\n  namespace: production\n  httproute: api-route\n"
      "  blue_service: user-service-blue\n  green_service: user-service-green\n"
      "  attempts: 1\n"
      "deploy:\n  hook: {command: [\"true\"]}\n"
      "smoke: {base_url: \"" +
      f.green.url() +
      "\"}\n"
      "blue: {namespace: production, deployment: user-service-blue}\n"
      "monitor: {agent_url: \"http://127.0.0.1:1\"}\n"
      "notifiers:\n"
      "  - {type: webhook, name: team, url: \"" +
      team.url() +
      "\", max_attempts: 1, min_interval: 0s}\n"
      "  - {type: webhook, name: down, url: \"http://127.0.0.1:1/hook\", max_attempts: 1, "
      "min_interval: 0s}\n"
      "report_dir: " +
      (f.dir / "reports").string() + "\n";
  const fs::path path = f.dir / "rollout.yaml";
  REQUIRE(writeFileDurably(path.string(), text).ok());
  return path.string();
}

// One `novactl rollback` with its output captured.
struct Command {
  Command() { args.configFile = writeConfig(f, team); }
  int run() { return runRollback(args, out, err); }

  Fixture f;
  FakeSlack team;
  RollbackArgs args;
  std::ostringstream out;
  std::ostringstream err;
};

TEST_CASE("novactl rollback: a receiver that fails is counted in -o json, the exit code is 0") {
  Command c;
  c.args.reason = "errors after the switch";
  c.args.output = "json";
  auto& f = c.f;
  auto& team = c.team;
  auto& out = c.out;
  auto& err = c.err;
  CHECK(c.run() == 0);
  INFO(err.str());
  INFO(out.str());
  const json::object doc = json::parse(out.str()).as_object();
  CHECK(doc.at("outcome") == "rolled_back");
  const json::object& n = doc.at("notifications").as_object();
  CHECK(n.at("delivered") == 2);
  CHECK(n.at("failed") == 2);
  CHECK(n.at("pending") == 0);
  CHECK(team.posted().size() == 2);
  CHECK(fs::exists(f.dir / "reports" / "notify" / "notify-webhook_team.json"));
  // Progress for CI: one plain line per step.
  CHECK(err.str().find(" rollback start: info - reason: errors after the switch\n") !=
        std::string::npos);
  CHECK(err.str().find(" flip verified: ok - traffic verified on blue") != std::string::npos);
  CHECK(err.str().find('\r') == std::string::npos);
}

TEST_CASE("novactl rollback on a terminal rewrites the step's line; text says what failed") {
  Command c;
  c.args.terminal = true;
  auto& out = c.out;
  auto& err = c.err;
  CHECK(c.run() == 0);
  INFO(err.str());
  CHECK(err.str().find("\r\033[K") != std::string::npos);
  CHECK(err.str().find("flip [0s] verified: ok") != std::string::npos);
  CHECK(err.str().find("notifications: 2 failed, 0 not delivered yet (kept for the next run); "
                       "the rollback's outcome is unchanged\n") != std::string::npos);
  CHECK(out.str().find("rolled back: traffic verified on blue") != std::string::npos);
}

TEST_CASE("novactl rollback --dry-run sends nothing and leaves no notify state") {
  Command c;
  c.args.option = "full";
  c.args.dryRun = true;
  auto& f = c.f;
  auto& team = c.team;
  auto& out = c.out;
  CHECK(c.run() == 0);
  INFO(out.str());
  CHECK(out.str().find("tell the team through webhook:team, webhook:down (this dry run sends "
                       "nothing)") != std::string::npos);
  CHECK(out.str().find("r1:rollback_full_green_removed") != std::string::npos);
  CHECK(team.posted().empty());
  CHECK_FALSE(fs::exists(f.dir / "reports"));
  CHECK(f.api->writes("") == 0);
}

}  // namespace
}  // namespace nova::rollout
