// `novactl rollout` killed with SIGKILL at each phase boundary (pre-flight, snapshot,
// deploy-green, smoke, switch, monitor), one run after another with the same --rollout-id:
// each re-run resumes from the record on the Ingress, the last one finishes with exit 0,
// and the fake API server took exactly one forward patch of the Ingress over all runs.
#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "kube_site.h"

namespace nova {
namespace {

using namespace kube_site;

// Starts run `n` and waits until `inside()` says it is inside `phase`; then checks the
// run's events agree, kills it with SIGKILL, and returns the phase of its last event.
std::string killInside(KubeSite& site, int n, const std::string& phase,
                       const std::function<bool()>& inside) {
  const std::string name = "run-" + std::to_string(n);
  const fs::path events = site.dir / (name + ".events.jsonl");
  auto run = site.novactl("r-kube-kill", name, "v1.2.4");
  // A resumed run first waits for the killed run's lease to expire (3 s).
  REQUIRE_MESSAGE(waitFor(inside, 30s),
                  name << " never got inside " << phase << ": " << run->log());
  run->signal(SIGKILL);
  REQUIRE(exitStatus(run->waitExit(10s)) == 128 + SIGKILL);
  std::string last = lastPhase(events);
  CHECK_MESSAGE(last == phase, name << ": " << run->log());
  return last;
}

TEST_CASE("kube: SIGKILL at each phase boundary, re-run with the same id: one forward patch") {
  // The window outlasts the lease's expiry after the kill in the switch, so the run that
  // resumes into monitoring is still monitoring when it is killed.
  KubeSite site("v1.2.4", {.monitor = "8s", .gated = true});
  const auto start = Steady::now();
  std::vector<std::string> killedIn;
  int n = 0;
  // Held by the gated hooks: the pre-flight check, the snapshot's start, the deploy hook.
  for (const std::string phase : {"pre-flight", "snapshot", "deploy-green"}) {
    killedIn.push_back(killInside(site, ++n, phase, [&] { return site.held(phase); }));
    site.release(phase);  // the orphaned hook ends; the next runs pass through
  }
  // Green answers /health a second late: the smoke test's request is in flight...
  site.greenFaults(R"({"added_latency_ms": 1000})");
  const fs::path smokeEvents = site.dir / ("run-" + std::to_string(n + 1) + ".events.jsonl");
  killedIn.push_back(
      killInside(site, ++n, "smoke", [&] { return lastPhase(smokeEvents) == "smoke"; }));
  // ...and so is the check of the new version through the public URL, right after the
  // forward patch.
  killedIn.push_back(
      killInside(site, ++n, "switch", [&] { return site.api.backendPatches(kGreenService) >= 1; }));
  site.greenFaults(R"({"added_latency_ms": 0})");
  const fs::path monitorEvents = site.dir / ("run-" + std::to_string(n + 1) + ".events.jsonl");
  killedIn.push_back(
      killInside(site, ++n, "monitor", [&] { return lastPhase(monitorEvents) == "monitor"; }));

  auto last = site.novactl("r-kube-kill", "run-7", "v1.2.4");
  const int code = exitStatus(last->waitExit(90s));
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Steady::now() - start);
  INFO(last->log());
  INFO(site.agent->log());
  CHECK(code == 0);
  CHECK(site.api.backendPatches(kGreenService) == 1);
  CHECK(site.api.backendPatches(kBlueService) == 0);
  CHECK(site.backendByKubectl() == kGreenService);
  const json::value status = site.status();
  CHECK(status.at_pointer("/record/rollout_id") == "r-kube-kill");
  CHECK(status.at_pointer("/record/phase") == "done");
  CHECK(site.blueReplicasByKubectl() == "0");
  // The snapshot was started once: a resume polls for the recorded id instead.
  CHECK(slurp(site.dir / "snapshots") == "nova-pre-deploy-v1-2-4-r-kube-kill\n");
  std::string phases;
  for (const auto& p : killedIn) {
    phases += (phases.empty() ? "" : ", ") + p;
  }
  MESSAGE("kube kill matrix: killed in " << phases << "; all 7 runs took " << took.count()
                                         << " ms");
}

}  // namespace
}  // namespace nova
