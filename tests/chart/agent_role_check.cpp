// The agent's calls against the Roles the chart renders for it: the nova-agent binary runs
// the configuration the chart rendered (only the API server's address, the listeners, the
// state file and the API token set on the command line) against the fake API server; it
// discovers green's pods, reads the rollout record and, asked to roll back, scales blue up
// (seeded at 0 replicas) and flips the Ingress. Every request the server answered must be
// allowed by the Roles, and every grant must have been used.
//
// usage: agent_role_check NOVA_AGENT CONFIG_DIR ROLE.json...
//   CONFIG_DIR holds agent.yaml and its rules as the pod sees them.
#include <boost/json.hpp>
#include <chrono>
#include <csignal>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "nova/core/files.h"
#include "nova/fake_kube/fake_kube.h"
#include "nova/http/client.h"
#include "nova/testing/child_process.h"
#include "nova/testing/log_capture.h"
#include "nova/testing/temp_dir.h"
#include "role_rules.h"
#include "seed_objects.h"

namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr std::string_view kToken = "role-check-token";

int fail(const std::string& why) {
  std::cerr << "agent_role_check: " << why << "\n";
  return 1;
}

std::string backend(nova::fake_kube::FakeKube& api) {
  auto ingress = api.object("ingresses", "production", "api-ingress");
  if (!ingress) {
    return "";
  }
  boost::system::error_code ec;
  const json::value* name =
      ingress->find_pointer("/spec/rules/0/http/paths/0/backend/service/name", ec);
  return name != nullptr && name->is_string() ? std::string(name->as_string()) : "";
}

// Polls `done` every 100 ms for up to 20 s.
template <typename Done>
bool await(Done done) {
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) {
      return true;
    }
    std::this_thread::sleep_for(100ms);
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    return fail("usage: agent_role_check NOVA_AGENT CONFIG_DIR ROLE.json...");
  }
  auto roles = nova::chart_test::readRoles(std::vector<std::string>(argv + 3, argv + argc));
  if (!roles.ok()) {
    return fail(roles.error().message);
  }
  auto api = nova::fake_kube::FakeKube::start();
  if (!api.ok()) {
    return fail(api.error().message);
  }
  // Traffic on green, blue scaled to 0 after the rollout: a rollback must bring blue up.
  const std::string objects = nova::chart_test::ingressOn("user-service-green") +
                              nova::chart_test::deployment("user-service-blue", "v1.2.3", 0);
  if (auto seeded = (*api)->seed(objects); !seeded.ok()) {
    return fail(seeded.error().message);
  }

  const nova::testing::TempDir dir("nova-agent-role-check");
  const nova::testing::LogCapture log(dir.file("agent.log"));
  const std::string server = (*api)->url();
  std::vector<std::string> args{argv[1],
                                "--config",
                                std::string(argv[2]) + "/agent.yaml",
                                "--set",
                                "switch.server=" + server,
                                "--set",
                                "target.discovery.server=" + server,
                                "--set",
                                "listen=127.0.0.1:0",
                                "--set",
                                "probe_listen=127.0.0.1:0",
                                "--set",
                                "state_file=" + dir.file("state.json"),
                                "--set",
                                "api_token={env: NOVA_AGENT_TOKEN}"};
  // With leader election the agent reads, creates and renews its Lease, and releases it
  // (an update) when it stops.
  auto config = nova::readFile(std::string(argv[2]) + "/agent.yaml", 1 << 20);
  const bool leaderElection =
      config.ok() && config->find("\nleader_election:") != std::string::npos;
  if (leaderElection) {
    args.insert(args.end(), {"--set", "leader_election.server=" + server});
  }
  nova::testing::ChildProcess agent(
      {.argv = std::move(args),
       .log = &log,
       .env = {"NOVA_AGENT_TOKEN=" + std::string(kToken), "POD_NAME=nova-agent-7d9f-abcde"}});
  const int port = agent.waitForPort(10'000);
  if (port <= 0) {
    return fail("the agent did not start:\n" + log.text());
  }
  const std::string base = "http://127.0.0.1:" + std::to_string(port);
  nova::http::Client client;
  // Discovery has listed and watches (the record is read before the first tick).
  if (!await([&] {
        auto r = client.perform({.method = "GET", .url = base + "/status", .timeout = 2'000});
        return r.ok() && r->body.find("synced at resourceVersion") != std::string::npos;
      })) {
    return fail("discovery never synced:\n" + log.text());
  }
  // A command goes to the agent that leads: without leader election it always does.
  if (!await([&] {
        auto r = client.perform({.method = "GET", .url = base + "/status", .timeout = 2'000});
        return r.ok() && r->body.find("\"is_leader\":true") != std::string::npos;
      })) {
    return fail("the agent never led:\n" + log.text());
  }
  auto asked = client.perform({.method = "POST",
                               .url = base + "/v1/rollback",
                               .headers = {{"Authorization", "Bearer " + std::string(kToken)}},
                               .body = R"({"who": "role check", "reason": "the agent's Roles"})",
                               .timeout = 5'000});
  if (!asked.ok() || asked->status != 200) {
    return fail("POST /v1/rollback: " + (asked.ok()
                                             ? std::to_string(asked->status) + " " + asked->body
                                             : asked.error().message));
  }
  if (!await([&] { return backend(**api) == "user-service-blue"; })) {
    return fail("the Ingress never went back to blue:\n" + log.text());
  }
  if (agent.stop(5'000, SIGTERM) != 0) {
    return fail("the agent did not stop cleanly:\n" + log.text());
  }
  const auto verdict = nova::chart_test::checkRoles((*api)->requests(), *roles);
  if (!verdict.problem.empty()) {
    return fail(verdict.problem + "\n" + log.text());
  }
  std::cout << "agent role check: nova-agent (discovery, record reads, "
            << (leaderElection ? "leader election on its Lease, " : "")
            << "a rollback that scaled blue up and flipped the Ingress) sent " << verdict.requests
            << " requests; each one allowed by its Roles, and each of their " << verdict.grants
            << " grants used\n";
  return 0;
}
