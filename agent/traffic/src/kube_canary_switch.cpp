#include "nova/traffic/kube_canary_switch.h"

#include "kube_json.h"

namespace nova::traffic {

namespace json = boost::json;

namespace {

constexpr const char* kCanary = "nginx.ingress.kubernetes.io/canary";
constexpr const char* kWeight = "nginx.ingress.kubernetes.io/canary-weight";

std::string pointerTo(const char* annotation) {
  return "/metadata/annotations/" + kube::escapePointerToken(annotation);
}

}  // namespace

KubeCanarySwitch::KubeCanarySwitch(std::unique_ptr<kube::Client> client, KubeTarget target,
                                   CanarySwitchSettings settings)
    : KubeObjectSwitch(std::move(client), std::move(target)), settings_(settings) {}

Result<TrafficState> KubeCanarySwitch::classify(const json::value& object) const {
  const std::string canary = detail::annotation(object, kCanary);
  const json::value* weightValue = detail::find(object, pointerTo(kWeight));
  TrafficState state;
  if (canary != "true") {
    state.backend = TrafficState::Backend::kBlue;
    state.detail = "canary off";
    return state;
  }
  auto weight =
      weightValue == nullptr ? std::optional<std::int64_t>(0) : detail::asCount(weightValue);
  if (!weight) {
    return Error(ErrorCode::kInvalidInput,
                 name() + ": annotation " + kWeight + " is not a whole number");
  }
  state.detail = "canary on, weight " + std::to_string(*weight);
  const bool done = !settings_.disable && *weight <= settings_.weight;
  state.backend = done ? TrafficState::Backend::kBlue : TrafficState::Backend::kGreen;
  return state;
}

json::array KubeCanarySwitch::flipOps(const json::value& object) const {
  // Pin what was read: the canary switch itself and the weight, if present.
  json::array ops{json::object{{"op", "test"}, {"path", pointerTo(kCanary)}, {"value", "true"}}};
  if (const json::value* weight = detail::find(object, pointerTo(kWeight))) {
    ops.push_back(json::object{{"op", "test"}, {"path", pointerTo(kWeight)}, {"value", *weight}});
  }
  const std::string weight = std::to_string(settings_.disable ? 0 : settings_.weight);
  ops.push_back(json::object{{"op", "add"}, {"path", pointerTo(kWeight)}, {"value", weight}});
  if (settings_.disable) {
    ops.push_back(
        json::object{{"op", "replace"}, {"path", pointerTo(kCanary)}, {"value", "false"}});
  }
  return ops;
}

}  // namespace nova::traffic

namespace nova::traffic {

Result<GreenWeight> KubeCanarySwitch::weightIn(const json::value& object) const {
  const std::string canary = detail::annotation(object, kCanary);
  if (canary != "true") {
    return GreenWeight{0, "canary off"};
  }
  const json::value* value = detail::find(object, pointerTo(kWeight));
  auto weight = value == nullptr ? std::optional<std::int64_t>(0) : detail::asCount(value);
  if (!weight || *weight < 0 || *weight > 100) {
    return Error(ErrorCode::kInvalidInput,
                 name() + ": annotation " + kWeight + " is not a whole number 0-100");
  }
  return GreenWeight{*weight, "canary on, weight " + std::to_string(*weight)};
}

Result<json::array> KubeCanarySwitch::weightOps(const json::value& object,
                                                std::int64_t weight) const {
  auto before = weightIn(object);
  if (!before.ok()) {
    return before.error();
  }
  // The resourceVersion pins everything read, annotations that were absent included.
  json::array ops{json::object{{"op", "test"},
                               {"path", "/metadata/resourceVersion"},
                               {"value", detail::stringAt(object, "/metadata/resourceVersion")}}};
  ops.push_back(json::object{{"op", "add"}, {"path", pointerTo(kCanary)}, {"value", "true"}});
  ops.push_back(
      json::object{{"op", "add"}, {"path", pointerTo(kWeight)}, {"value", std::to_string(weight)}});
  return ops;
}

Result<std::vector<BackendMove>> KubeCanarySwitch::greenMoves(const json::value& object) const {
  const json::value* canary = detail::find(object, pointerTo(kCanary));
  const json::value* weight = detail::find(object, pointerTo(kWeight));
  if (canary == nullptr || weight == nullptr) {
    return Error(ErrorCode::kInvalidInput, name() + ": the canary Ingress needs both annotations " +
                                               kCanary + " and " + kWeight +
                                               " (\"true\" and \"0\" before a rollout)");
  }
  return std::vector<BackendMove>{{pointerTo(kCanary), *canary, json::value("true")},
                                  {pointerTo(kWeight), *weight, json::value("100")}};
}

}  // namespace nova::traffic
