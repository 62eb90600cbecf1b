// The staged rollback on a weighted switch: a rollout through the gateway-httproute switch
// moves api-route's weights to green, then `novactl rollback --option staged --weight 25`
// brings blue back up, sets the weights to 75/25, watches green's own error rate while
// clients use it and parks (exit 8); run again, it sends green to 0. The real kubectl reads
// the weights back after each step.
#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <string>

#include "kube_site.h"

namespace nova {
namespace {

using namespace kube_site;

TEST_CASE("kube: staged rollback on api-route: parked at 75/25 (exit 8), then 100/0") {
  KubeSite site("v1.2.4", {.monitor = "1s", .httpRoute = true});
  CHECK(site.weightsByKubectl() == "100 0");
  auto rollout = site.novactl("r-staged", "rollout", "v1.2.4");
  const int rolledOut = exitStatus(rollout->waitExit(60s));
  INFO("rollout: " << rollout->log());
  REQUIRE(rolledOut == 0);
  CHECK(site.weightsByKubectl() == "0 100");
  CHECK(site.blueReplicasByKubectl() == "0");

  const std::string config = (site.dir / "rollout.yaml").string();
  std::unique_ptr<Proc> staged;
  int parkedCode = -1;
  {
    // Green serves clients while it is watched, so its error rate has data.
    Clients clients(site.green.url("/api/v1/streams/active"));
    staged = site.novactlWith({"rollback", "-f", config, "--option", "staged", "--weight", "25",
                               "--watch", "2s", "--reason", "checkout latency"},
                              "staged");
    parkedCode = exitStatus(staged->waitExit(60s));
  }
  INFO("staged: " << staged->log());
  CHECK(parkedCode == 8);
  CHECK(site.weightsByKubectl() == "75 25");
  // Blue came back to its recorded replicas before it took traffic again.
  CHECK(site.blueReplicasByKubectl() == "3");
  CHECK(site.status().at_pointer("/record/phase") == "parked");

  auto toZero = site.novactlWith({"rollback", "-f", config, "--option", "staged"}, "to-zero");
  const int code = exitStatus(toZero->waitExit(60s));
  INFO("to-zero: " << toZero->log());
  CHECK(code == 0);
  CHECK(site.weightsByKubectl() == "100 0");
  const json::value status = site.status();
  CHECK(status.at_pointer("/record/phase") == "rolled-back");
  CHECK(status.at("traffic") == "blue");
}

}  // namespace
}  // namespace nova
