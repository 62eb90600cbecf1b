// `novactl rollout --dry-run` lists every pre-flight check a rollout would run, runs the
// read-only ones (the traffic object, blue, the agent, the cluster's GETs and LISTs) and no
// command, and writes nothing: the runbook's rehearsal before the window.
#include <doctest/doctest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <sstream>

#include "kube_seed.h"
#include "nova/core/files.h"
#include "nova/fake_kube/fake_kube.h"
#include "nova/rollout/commands.h"

namespace nova::rollout {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

std::string resultOf(const json::array& checks, std::string_view name) {
  for (const auto& check : checks) {
    if (check.at("name").as_string() == name) {
      return std::string(check.at("result").as_string()) + ": " +
             std::string(check.at("detail").as_string());
    }
  }
  return "absent";
}

TEST_CASE("--dry-run runs the read-only pre-flight checks, no command, and writes nothing") {
  auto api = fake_kube::FakeKube::start();
  REQUIRE(api.ok());
  REQUIRE((*api)->seed(test::kSeedIngress).ok());
  REQUIRE((*api)->seed(test::kSeedBlue).ok());
  REQUIRE((*api)
              ->seed(R"({"apiVersion": "v1", "kind": "Namespace",
    "metadata": {"name": "production-green"}, "status": {"phase": "Active"}})")
              .ok());
  const fs::path dir =
      fs::temp_directory_path() / ("nova-dry-run-preflight-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path marker = dir / "command-ran";
  const std::string config = (dir / "rollout.yaml").string();
  REQUIRE(writeFileDurably(
              config, "switch:\n  type: kubernetes-ingress\n  server: " + (*api)->url() +
                          "\n  namespace: production\n  ingress: api-ingress\n"
                          "  blue_service: user-service-blue\n  green_service: user-service-green\n"
                          "preflight:\n  cluster: {namespace: production-green, configmaps: "
                          "[app-config]}\n"
                          "  checks: [{name: db-connections, command: [\"touch\", \"" +
                          marker.string() +
                          "\"]}]\n"
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
  args.dryRun = true;
  args.output = "json";
  args.skipChecks = {"pods-healthy"};
  args.skipReasons = {"a batch job's pods are pending by design"};
  std::ostringstream out;
  std::ostringstream err;
  const int code = runRollout(args, out, err);
  INFO(err.str());
  INFO(out.str());
  CHECK(code == 0);
  const json::array checks = json::parse(out.str()).at("preflight").as_array();
  CHECK(checks.size() == 7);
  CHECK(resultOf(checks, "traffic-on-blue").starts_with("ok: "));
  CHECK(resultOf(checks, "blue-ready") == "ok: 3 ready");
  CHECK(resultOf(checks, "agent-reachable").starts_with("failed: http://127.0.0.1:1"));
  CHECK(resultOf(checks, "green-namespace") == "ok: namespace production-green is Active");
  CHECK(resultOf(checks, "configmaps") == "failed: missing in production-green: app-config");
  CHECK(resultOf(checks, "pods-healthy") == "skipped: a batch job's pods are pending by design");
  CHECK(resultOf(checks, "db-connections") ==
        "not_run: a command check: a dry run runs no command");
  CHECK_FALSE(fs::exists(marker));
  CHECK((*api)->writes("") == 0);

  // The same plan for a person: one line per check.
  args.output = "text";
  std::ostringstream text;
  CHECK(runRollout(args, text, err) == 0);
  CHECK(text.str().find("    configmaps: failed (missing in production-green: app-config)\n") !=
        std::string::npos);
  CHECK((*api)->writes("") == 0);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace nova::rollout
