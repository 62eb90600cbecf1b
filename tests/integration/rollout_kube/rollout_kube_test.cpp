// `novactl rollout` against the fake API server with the kubernetes-ingress switch: the
// happy path and a fault during monitoring that the agent rolls back through the fake, each
// run as CI runs it in two steps (the rollout in one process, `novactl status --wait --for
// done` in another, which exits with the rollout's code). The real kubectl reads back the
// record and the backend novactl and the agent wrote on the Ingress.
#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <chrono>
#include <map>
#include <sstream>
#include <string>

#include "kube_site.h"

namespace nova {
namespace {

using namespace kube_site;

// The waiter's JSON document (its only stdout line) and exit code.
struct Waited {
  json::value doc;
  int code = -1;
};

Waited finish(testing::ChildProcess& waiter) {
  const std::string line = waiter.waitForLine("\"wait\"", 90 * kSecond);
  Waited w;
  w.code = exitStatus(waiter.waitExit(10 * kSecond));
  boost::system::error_code ec;
  w.doc = json::parse(line, ec);
  REQUIRE_MESSAGE(!ec, "status --wait printed no JSON: " << line);
  return w;
}

// annotation key -> value, as kubectl's jsonpath prints them (one "key=value" line each).
std::map<std::string, std::string> annotationsByKubectl(KubeSite& site) {
  auto r = site.kubectl(
      "get ingress api-ingress -n production -o "
      "jsonpath='id={.metadata.annotations.nova\\.io/rollout-id}{\"\\n\"}"
      "version={.metadata.annotations.nova\\.io/rollout-version}{\"\\n\"}"
      "phase={.metadata.annotations.nova\\.io/rollout-phase}{\"\\n\"}"
      "switched-at={.metadata.annotations.nova\\.io/rollout-switched-at}{\"\\n\"}"
      "backend={.spec.rules[0].http.paths[0].backend.service.name}{\"\\n\"}'");
  REQUIRE_MESSAGE(r.status == 0, r.output);
  std::map<std::string, std::string> values;
  std::istringstream lines(r.output);
  for (std::string line; std::getline(lines, line);) {
    const auto eq = line.find('=');
    if (eq != std::string::npos) {
      values[line.substr(0, eq)] = line.substr(eq + 1);
    }
  }
  return values;
}

TEST_CASE("kube: a good version rolls out; the agent armed; kubectl reads what status reports") {
  KubeSite site("v1.2.4");
  const auto start = Steady::now();
  auto run = site.novactl("r-kube-good", "novactl", "v1.2.4");
  auto waiter = site.waiter("r-kube-good");
  // The agent arms itself from the record while the monitoring window runs.
  bool armed = false;
  REQUIRE_MESSAGE(waitFor(
                      [&] {
                        armed = armed || site.armedFor("r-kube-good");
                        return armed || run->waitExit(0ms).has_value();
                      },
                      60s),
                  run->log() << site.agent->log());
  const json::value agent = site.agentStatus();
  const int code = exitStatus(run->waitExit(60s));
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Steady::now() - start);
  INFO(run->log());
  INFO(site.agent->log());
  CHECK(code == 0);
  CHECK_MESSAGE(armed, "the agent was not armed for r-kube-good during monitoring");
  if (armed && agent.is_object()) {
    CHECK(agent.at("version") == "v1.2.4");
  }

  const Waited waited = finish(*waiter);
  INFO(site.waiterLog->text());
  CHECK(waited.code == 0);
  CHECK(waited.doc.at_pointer("/wait/outcome") == "succeeded");
  CHECK(waited.doc.at_pointer("/wait/exit_code") == 0);

  // What kubectl reads on the Ingress is what novactl status reports.
  const json::value status = site.status();
  const auto read = annotationsByKubectl(site);
  CHECK(read.at("id") == "r-kube-good");
  CHECK(status.at_pointer("/record/rollout_id") == read.at("id").c_str());
  CHECK(status.at_pointer("/record/version") == read.at("version").c_str());
  CHECK(read.at("version") == "v1.2.4");
  CHECK(status.at_pointer("/record/phase") == read.at("phase").c_str());
  CHECK(read.at("phase") == "done");
  CHECK(status.at_pointer("/record/switched_at") == read.at("switched-at").c_str());
  CHECK_FALSE(read.at("switched-at").empty());
  CHECK(read.at("backend") == kGreenService);
  CHECK(status.at("traffic") == "green");

  // Blue scaled down (Phase 4) through the API; exactly one forward patch.
  CHECK(site.blueReplicasByKubectl() == "0");
  CHECK(site.api.backendPatches(kGreenService) == 1);
  CHECK(site.api.backendPatches(kBlueService) == 0);
  CHECK(slurp(site.dir / "snapshots").find("r-kube-good") != std::string::npos);
  MESSAGE("kube rollout v1.2.4: succeeded (exit " << code << ") in " << took.count() << " ms");
}

TEST_CASE("kube: green fails while monitoring: the agent flips the Ingress back, exit 4") {
  KubeSite site("v1.2.5", {.monitor = "30s"});
  auto run = site.novactl("r-kube-bad", "novactl", "v1.2.5");
  auto waiter = site.waiter("r-kube-bad");
  REQUIRE_MESSAGE(waitFor([&] { return site.armedFor("r-kube-bad"); }, 60s),
                  run->log() << site.agent->log());
  REQUIRE(site.api.backendPatches(kGreenService) == 1);
  const auto fault = Steady::now();
  site.greenFaults(R"({"health_down": true})");
  REQUIRE_MESSAGE(waitFor([&] { return site.api.backendPatches(kBlueService) >= 1; }, 30s),
                  site.agent->log());
  const auto onBlue = Steady::now();
  const int code = exitStatus(run->waitExit(60s));
  INFO(run->log());
  INFO(site.agent->log());
  CHECK(code == 4);
  CHECK(run->log().find("the agent rolled back") != std::string::npos);
  CHECK(site.backendByKubectl() == kBlueService);
  CHECK(site.api.backendPatches(kBlueService) == 1);

  const Waited waited = finish(*waiter);
  INFO(site.waiterLog->text());
  CHECK(waited.code == 4);
  CHECK(waited.doc.at_pointer("/wait/outcome") == "rolled_back");
  CHECK(waited.doc.at("traffic") == "blue");
  MESSAGE("kube fault-to-blue: "
          << std::chrono::duration_cast<std::chrono::milliseconds>(onBlue - fault).count()
          << " ms");
}

}  // namespace
}  // namespace nova
