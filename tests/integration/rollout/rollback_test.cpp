// `novactl rollback --option staged` and `--option full` end to end on one machine: a
// rollout of green behind the real nginx finishes, the agent dies, then the rollback moves
// nginx's real traffic with weighted `server` lines and the real reload.
#include <doctest/doctest.h>

#include "rollout_site.h"

namespace nova {
namespace {

using namespace rollout_site;

// A finished rollout of v1.2.4 (green serves all traffic) with the agent dead, and the
// rollback section appended to rollout.yaml.
void rolledOut(Site& site, const std::string& id, const std::string& rollbackSection) {
  site.startAgent();
  auto run = site.novactl(id, "novactl.log", "v1.2.4");
  REQUIRE_MESSAGE(exitStatus(run->waitExit(60s)) == 0, run->log());
  REQUIRE(site.includeNames(site.green));
  site.agent->signal(SIGKILL);
  (void)site.agent->waitExit(10s);
  writeText(site.dir / "rollout.yaml", slurp(site.dir / "rollout.yaml") + rollbackSection);
}

std::unique_ptr<Proc> rollback(Site& site, std::vector<std::string> args, const std::string& log) {
  args.insert(args.begin(), {"rollback", "-f", (site.dir / "rollout.yaml").string()});
  return std::make_unique<Proc>(NOVACTL_BIN, std::move(args), (site.dir / log).string());
}

// Sends `n` requests through nginx, each on a fresh connection, and counts green's answers.
int greenAnswers(Site& site, int n) {
  int green = 0;
  for (int i = 0; i < n; ++i) {
    http::Client client;
    auto r = client.perform({.url = site.nginx.url("/health")});
    REQUIRE(r.ok());
    const std::string* color = r->header("X-Nova-Color");
    green += color != nullptr && *color == "green" ? 1 : 0;
  }
  return green;
}

TEST_CASE("staged on nginx: 25% of real requests reach green, parked (exit 8), then 0") {
  Site site("v1.2.4", 2 * kSecond);
  rolledOut(site, "r-staged",
            "rollback:\n  staged: {watch: 3s, poll_interval: 500ms, min_requests: 5}\n");
  Clients clients(site.nginx.url("/health"));

  auto plan = rollback(site, {"--option", "staged", "--dry-run"}, "plan.log");
  CHECK(exitStatus(plan->waitExit(20s)) == 0);
  INFO(plan->log());
  CHECK(plan->log().find("weight=75;\nserver " + Site::address(site.green) + " weight=25;") !=
        std::string::npos);
  CHECK(site.includeNames(site.green));

  auto staged = rollback(site, {"--option", "staged", "--reason", "errors at 3%"}, "staged.log");
  const int parked = exitStatus(staged->waitExit(60s));
  INFO(staged->log());
  CHECK(parked == 8);
  const std::string include = slurp(site.nginx.upstreamFile());
  CHECK(include.find("server " + Site::address(site.blue) + " weight=75;") != std::string::npos);
  CHECK(include.find("server " + Site::address(site.green) + " weight=25;") != std::string::npos);
  // nginx's smooth weighted round robin: a quarter of the requests reach green, per worker.
  const int n = 400;
  const int green = greenAnswers(site, n);
  MESSAGE("parked at weight 25: " << green << " of " << n << " requests reached green");
  CHECK(green >= n * 15 / 100);
  CHECK(green <= n * 35 / 100);

  Proc status(NOVACTL_BIN, {"status", "-f", (site.dir / "rollout.yaml").string()},
              (site.dir / "status.log").string());
  CHECK(exitStatus(status.waitExit(20s)) == 0);
  CHECK(status.log().find("parked") != std::string::npos);
  CHECK(status.log().find("weight=25") != std::string::npos);

  auto finish = rollback(site, {"--option", "staged"}, "finish.log");
  const int code = exitStatus(finish->waitExit(60s));
  INFO(finish->log());
  CHECK(code == 0);
  CHECK(site.includeNames(site.blue));
  CHECK(greenAnswers(site, 50) == 0);
  CHECK(clients.failed() == 0);
  MESSAGE("clients through the staged rollback: " << clients.failed() << " of " << clients.sent()
                                                  << " failed");
}

TEST_CASE("full on nginx: back to blue, green removed by the hook once over two runs") {
  Site site("v1.2.4", 2 * kSecond);
  const fs::path removed = site.dir / "green-removed";
  rolledOut(site, "r-full",
            "rollback:\n  full:\n    remove_green:\n      shell: true\n"
            "      command: echo \"$NOVA_ROLLOUT_ID\" >> " +
                removed.string() + "\n");
  auto first = rollback(site, {"--option", "full", "--reason", "schema broke"}, "full-1.log");
  const int code = exitStatus(first->waitExit(60s));
  INFO(first->log());
  CHECK(code == 0);
  CHECK(site.includeNames(site.blue));
  CHECK(slurp(removed) == "r-full\n");
  CHECK(slurp(site.dir / "reports/r-full-rollback-report.md").find("option 3") !=
        std::string::npos);

  auto again = rollback(site, {"--option", "full"}, "full-2.log");
  CHECK(exitStatus(again->waitExit(60s)) == 0);
  INFO(again->log());
  CHECK(again->log().find("green already removed (recorded)") != std::string::npos);
  CHECK(slurp(removed) == "r-full\n");
}

}  // namespace
}  // namespace nova
