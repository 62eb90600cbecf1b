// novactl's calls against the CI Roles the chart renders: a rollout (with the built-in
// cluster pre-flight checks and the built-in deploy of green), a full rollback and a status
// run against the fake API server (a stand-in agent answers /status), then every request
// the server answered is checked against the Roles' rules, with the verb the API server
// derives from the method, and every verb the Roles grant on every name must have been
// used: the Roles allow what novactl does, and nothing more.
//
// usage: ci_role_check ROLE.json...   (the rendered Roles and ClusterRole, as JSON)
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "nova/fake_kube/fake_kube.h"
#include "nova/http/server.h"
#include "nova/rollout/commands.h"
#include "role_rules.h"
#include "seed_objects.h"

namespace {

namespace json = boost::json;

// The agent's /status while it watches green and sees nothing wrong.
constexpr std::string_view kWatching =
    R"({"ready": true, "rules": [{"name": "error_rate", "value": 0.001}], "incident": null,
        "hold": null, "rollback": null})";

int fail(const std::string& why) {
  std::cerr << "ci_role_check: " << why << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    return fail("usage: ci_role_check ROLE.json...");
  }
  auto roles = nova::chart_test::readRoles(std::vector<std::string>(argv + 1, argv + argc));
  if (!roles.ok()) {
    return fail(roles.error().message);
  }

  auto api = nova::fake_kube::FakeKube::start();
  if (!api.ok()) {
    return fail(api.error().message);
  }
  using nova::chart_test::deployment;
  const std::string objects = nova::chart_test::ingressOn("user-service-blue") +
                              deployment("user-service-blue", "v1.2.3", 3) +
                              deployment("user-service-green", "v1.2.4", 3) +
                              nova::chart_test::greenNamespace();
  if (auto seeded = (*api)->seed(objects); !seeded.ok()) {
    return fail(seeded.error().message);
  }
  auto agent = nova::http::Server::start({}, [](const nova::http::ServerRequest&) {
    nova::http::ServerResponse r;
    r.body = std::string(kWatching);
    r.contentType = "application/json";
    return r;
  });
  if (!agent.ok()) {
    return fail(agent.error().message);
  }

  const auto dir =
      std::filesystem::temp_directory_path() / ("nova-ci-role-check-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string config = (dir / "rollout.yaml").string();
  std::ofstream(config) << "switch:\n  type: kubernetes-ingress\n  server: " << (*api)->url()
                        << "\n  namespace: production\n  ingress: api-ingress\n"
                           "  blue_service: user-service-blue\n"
                           "  green_service: user-service-green\n"
                           "  blue_deployment: user-service-blue\n"
                           "preflight:\n  cluster:\n    namespace: production-green\n"
                           "    configmaps: [user-service-config]\n"
                           "    secrets: [user-service-db]\n    nodes: true\n"
                           "deploy:\n  kubernetes: {namespace: production-green, "
                           "deployment: user-service-green, container: user-service, "
                           "image: \"nova/user-service:${NOVA_VERSION}\", timeout: 30s}\n"
                           "smoke: {base_url: \"http://127.0.0.1:1\", health: false, "
                           "metrics: false}\n"
                           "blue: {namespace: production, deployment: user-service-blue, "
                           "scale_down_delay: 0s}\n"
                           "monitor: {agent_url: \"http://127.0.0.1:"
                        << (*agent)->port()
                        << "\", duration: 1s, poll_interval: 200ms}\n"
                           "rollback:\n  full: {namespace: production, "
                           "deployment: user-service-green, timeout: 30s}\n"
                           "report_dir: "
                        << (dir / "reports").string() << "\n";

  std::ostringstream out;
  std::ostringstream err;
  nova::rollout::RolloutArgs rollout;
  rollout.configFile = config;
  rollout.version = "v1.2.4";
  rollout.rolloutId = "r1";
  rollout.windowOverride = "the CI Role check runs at any hour";
  const int rolled = nova::rollout::runRollout(rollout, out, err);
  nova::rollout::RollbackArgs rollback;
  rollback.configFile = config;
  rollback.option = "full";
  rollback.reason = "the CI Role check";
  const int rolledBack = rolled == 0 ? nova::rollout::runRollback(rollback, out, err) : -1;
  nova::rollout::StatusArgs status;
  status.configFile = config;
  const int statusCode = nova::rollout::runStatus(status, out, err);
  (*agent)->stop();
  std::filesystem::remove_all(dir);
  if (rolled != 0 || rolledBack != 0 || statusCode != 0) {
    return fail("novactl rollout " + std::to_string(rolled) + ", rollback --option full " +
                std::to_string(rolledBack) + ", status " + std::to_string(statusCode) +
                " (all must exit 0):\n" + out.str() + err.str());
  }

  const auto verdict = nova::chart_test::checkRoles((*api)->requests(), *roles);
  if (!verdict.problem.empty()) {
    return fail(verdict.problem);
  }
  std::cout << "ci role check: novactl rollout, rollback --option full and status sent "
            << verdict.requests << " requests; each one allowed by the Roles, and each of their "
            << verdict.grants << " grants used\n";
  return 0;
}
