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
