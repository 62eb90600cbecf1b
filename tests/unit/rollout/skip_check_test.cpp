// `novactl rollout --skip-check NAME --reason TEXT` as the command checks it: every skip
// needs its own non-empty reason, and only pre-flight checks of the config can be named.
// Each refusal is a usage error (exit 2) before anything is read or written.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>

#include "nova/core/files.h"
#include "nova/fake_kube/fake_kube.h"
#include "nova/rollout/commands.h"

namespace nova::rollout {
namespace {

struct Refusal {
  int code = 0;
  std::string err;
};

Refusal runWith(const std::vector<std::string>& checks, const std::vector<std::string>& reasons) {
  auto api = fake_kube::FakeKube::start();
  REQUIRE(api.ok());
  const auto dir = std::filesystem::temp_directory_path() /
                   ("nova-skip-check-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string config = (dir / "rollout.yaml").string();
  REQUIRE(
      writeFileDurably(config, "switch:\n  type: kubernetes-ingress\n  server: " + (*api)->url() +
                                   "\n  namespace: production\n  ingress: api-ingress\n"
                                   "  blue_service: user-service-blue\n"
                                   "  green_service: user-service-green\n"
                                   "preflight:\n  cluster: {namespace: production-green}\n"
                                   "  checks: [{name: db-connections, command: [\"true\"]}]\n"
                                   "deploy:\n  hook: {command: [\"true\"]}\n"
                                   "smoke: {base_url: \"http://127.0.0.1:1\"}\n"
                                   "blue: {namespace: production, deployment: user-service-blue}\n"
                                   "monitor: {agent_url: \"http://127.0.0.1:1\"}\n"
                                   "report_dir: " +
                                   (dir / "reports").string() + "\n")
          .ok());
  RolloutArgs args;
  args.configFile = config;
  args.version = "v1.2.4";
  args.rolloutId = "r1";
  args.skipChecks = checks;
  args.skipReasons = reasons;
  std::ostringstream out;
  std::ostringstream err;
  Refusal refusal{runRollout(args, out, err), err.str()};
  std::filesystem::remove_all(dir);
  CHECK((*api)->writes("") == 0);  // refused before anything was written
  return refusal;
}

TEST_CASE("--skip-check without a reason, with an empty one, or twice is a usage error") {
  const Refusal missing = runWith({"pods-healthy", "db-connections"}, {"known job"});
  CHECK(missing.code == 2);
  CHECK(missing.err ==
        "novactl rollout: --skip-check: each skipped check needs its own "
        "--reason (2 checks, 1 reasons)\n");
  const Refusal empty = runWith({"pods-healthy"}, {"  "});
  CHECK(empty.code == 2);
  CHECK(empty.err ==
        "novactl rollout: --skip-check pods-healthy: the --reason must not be empty\n");
  const Refusal twice = runWith({"pods-healthy", "pods-healthy"}, {"a", "b"});
  CHECK(twice.code == 2);
  CHECK(twice.err == "novactl rollout: --skip-check pods-healthy is given twice\n");
}

TEST_CASE("--skip-check of a name that is no pre-flight check lists the names") {
  const Refusal unknown = runWith({"nodes-ready"}, {"the nodes check is not configured"});
  CHECK(unknown.code == 2);
  CHECK(unknown.err ==
        "novactl rollout: --skip-check: no pre-flight check is named \"nodes-ready\" (checks: "
        "traffic-on-blue, blue-ready, agent-reachable, green-namespace, pods-healthy, "
        "db-connections)\n");
}

}  // namespace
}  // namespace nova::rollout
