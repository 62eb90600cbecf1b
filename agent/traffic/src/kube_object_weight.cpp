// The weighted switch of the Kubernetes switch objects: read, compare with what the caller
// expects, and write one JSON patch whose tests pin the object as read, so a concurrent
// writer (an agent's flip, another rollback) makes it fail instead of being overwritten.
#include <boost/json.hpp>

#include "nova/traffic/kube_object_switch.h"

namespace nova::traffic {

namespace json = boost::json;

Status checkWeight(std::int64_t weight) {
  if (weight < 0 || weight > 100) {
    return Error(ErrorCode::kInvalidInput,
                 "green's weight must be 0-100 (percent), not " + std::to_string(weight));
  }
  return {};
}

Result<GreenWeight> KubeObjectSwitch::weightIn(const json::value&) const {
  return Error(ErrorCode::kInvalidInput,
               name() +
                   ": this switch type cannot weigh traffic (gateway-httproute, "
                   "ingress-nginx-canary and nginx can)");
}

Result<json::array> KubeObjectSwitch::weightOps(const json::value& object, std::int64_t) const {
  auto weight = weightIn(object);
  if (!weight.ok()) {
    return weight.error();
  }
  return Error(ErrorCode::kInvalidInput, name() + ": this switch type cannot set a weight");
}

Result<GreenWeight> KubeObjectSwitch::greenWeight() {
  auto object = read();
  if (!object.ok()) {
    return object.error();
  }
  auto weight = weightIn(*object);
  if (weight.ok()) {
    weight->detail = name() + ": " + weight->detail;
  }
  return weight;
}

Result<std::string> KubeObjectSwitch::setGreenWeight(std::int64_t expected, std::int64_t weight) {
  if (Status s = checkWeight(weight); !s.ok()) {
    return s.error();
  }
  auto object = read();
  if (!object.ok()) {
    return object.error();
  }
  auto before = weightIn(*object);
  if (!before.ok()) {
    return before.error();
  }
  if (before->percent != expected) {
    return Error(ErrorCode::kConflict, name() + ": green's weight is " +
                                           std::to_string(before->percent) + ", not the " +
                                           std::to_string(expected) + " expected (" +
                                           before->detail + "); nothing changed");
  }
  auto ops = weightOps(*object, weight);
  if (!ops.ok()) {
    return ops.error();
  }
  auto patched = patch(*ops);
  if (!patched.ok()) {
    if (patched.error().code == ErrorCode::kConflict) {
      return Error(ErrorCode::kConflict,
                   name() +
                       " changed between read and write (the patch's test failed); "
                       "nothing changed");
    }
    return patched.error();
  }
  auto after = weightIn(*patched);
  return name() + ": " + before->detail + " -> " +
         (after.ok() ? after->detail : "green weight " + std::to_string(weight));
}

Result<std::string> KubeObjectSwitch::planGreenWeight(std::int64_t weight) {
  if (Status s = checkWeight(weight); !s.ok()) {
    return s.error();
  }
  auto object = read();
  if (!object.ok()) {
    return object.error();
  }
  auto ops = weightOps(*object, weight);
  if (!ops.ok()) {
    return ops.error();
  }
  return "PATCH " + name() + " (application/json-patch+json): " + json::serialize(*ops);
}

Result<std::string> KubeObjectSwitch::planFlip() {
  auto object = read();
  if (!object.ok()) {
    return object.error();
  }
  auto state = classify(*object);
  if (!state.ok()) {
    return state.error();
  }
  if (state->backend == TrafficState::Backend::kBlue) {
    return std::string();
  }
  return "PATCH " + name() +
         " (application/json-patch+json): " + json::serialize(flipOps(*object)) +
         " plus the rollback annotations";
}

}  // namespace nova::traffic
