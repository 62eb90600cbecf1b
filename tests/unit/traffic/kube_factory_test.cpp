#include <doctest/doctest.h>

#include <boost/json/parse.hpp>

#include "nova/traffic/kube_object_switch.h"
#include "nova/traffic/switch.h"

namespace nova::traffic {

namespace {

// "built", or the refusal's message; every refusal of a setting is invalid input.
std::string refusal(const std::string& type, std::map<std::string, std::string> settings) {
  ManualClock clock;
  SequenceRandom random;
  // A kubeconfig that is not there is not found; everything else is a bad setting.
  const ErrorCode expected =
      settings.count("kubeconfig") > 0 ? ErrorCode::kNotFound : ErrorCode::kInvalidInput;
  auto made = makeSwitch({type, std::move(settings)}, clock, random);
  if (made.ok()) {
    return "built";
  }
  CHECK(made.error().code == expected);
  return made.error().message;
}

}  // namespace

TEST_CASE("kubernetes switch types are known and validate their settings before any I/O") {
  auto types = switchTypes();
  for (std::string_view type :
       {"kubernetes-ingress", "gateway-httproute", "ingress-nginx-canary"}) {
    CHECK(std::find(types.begin(), types.end(), type) != types.end());
  }
  CHECK(refusal("kubernetes-ingress", {}) ==
        "switch: kubernetes-ingress: missing setting \"ingress\"");
  CHECK(refusal("kubernetes-ingress", {{"ingress", "api-ingress"}, {"green_service", "g"}}) ==
        "switch: kubernetes-ingress: missing setting \"blue_service\"");
  CHECK(refusal("gateway-httproute", {{"httproute", "r"},
                                      {"green_service", "g"},
                                      {"blue_service", "b"},
                                      {"blue_weight", "-5"}}) ==
        "switch: gateway-httproute: setting \"blue_weight\" must be a whole number >= 0, not "
        "\"-5\"");
  CHECK(refusal("ingress-nginx-canary", {{"canary_ingress", "c"}, {"canary_wieght", "25"}}) ==
        "switch: ingress-nginx-canary: unknown setting \"canary_wieght\"; did you mean "
        "\"canary_weight\"?");
  CHECK(refusal("ingress-nginx-canary", {{"canary_ingress", "c"}, {"canary_disable", "yes"}}) ==
        "switch: ingress-nginx-canary: setting \"canary_disable\" must be true or false, not "
        "\"yes\"");
  CHECK(refusal("kubernetes-ingress", {{"ingress", "i"},
                                       {"green_service", "g"},
                                       {"blue_service", "b"},
                                       {"blue_ready_timeout", "2 minutes"}})
            .starts_with("switch: kubernetes-ingress: setting \"blue_ready_timeout\": "));
  CHECK(refusal("kubernetes-ingress", {{"ingress", "i"},
                                       {"green_service", "g"},
                                       {"blue_service", "b"},
                                       {"kubeconfig", "/nonexistent/kubeconfig"}})
            .starts_with("switch: kubernetes-ingress: kubeconfig: cannot open "
                         "/nonexistent/kubeconfig"));
  // Complete settings with an explicit server build without contacting it.
  CHECK(refusal("kubernetes-ingress", {{"ingress", "i"},
                                       {"green_service", "g"},
                                       {"blue_service", "b"},
                                       {"server", "https://127.0.0.1:1"},
                                       {"namespace", "production"},
                                       {"blue_deployment", "user-service-blue"},
                                       {"blue_replicas", "3"}}) == "built");
}

TEST_CASE("rollback annotations: one map when absent, one escaped add per key otherwise") {
  KubeTarget target;
  target.agentName = "agent-1";
  RollbackRequest request{"inc-1", "why", "ops@example", 1764218376123};
  auto bare = rollbackAnnotationOps(boost::json::parse(R"({"metadata":{}})"), request, target);
  REQUIRE(bare.size() == 1);
  CHECK(bare[0].at("path") == "/metadata/annotations");
  CHECK(bare[0].at("value").at("nova.rollout/rollback-by") == "ops@example");
  CHECK(bare[0].at("value").at("nova.rollout/rollback-at") == "2025-11-27T04:39:36.123Z");

  auto existing = rollbackAnnotationOps(
      boost::json::parse(R"({"metadata":{"annotations":{"a":"b"}}})"), request, target);
  REQUIRE(existing.size() == 5);
  for (const auto& op : existing) {
    CHECK(op.at("op") == "add");
    CHECK(
        std::string(op.at("path").as_string()).starts_with("/metadata/annotations/nova.rollout~1"));
  }
}

}  // namespace nova::traffic
