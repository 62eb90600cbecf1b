#include "kube_traffic_object.h"

#include <boost/json.hpp>

namespace nova::rollout {

namespace json = boost::json;

Result<TrafficRead> KubeTrafficObject::read() {
  auto object = sw_->read();
  if (!object.ok()) {
    return object.error();
  }
  TrafficRead read;
  read.object = std::move(*object);
  auto state = sw_->judge(read.object);
  if (state.ok()) {
    using Backend = traffic::TrafficState::Backend;
    read.side = state->backend == Backend::kBlue    ? TrafficSide::kBlue
                : state->backend == Backend::kGreen ? TrafficSide::kGreen
                                                    : TrafficSide::kUnknown;
    read.detail = state->detail;
  } else {
    read.detail = state.error().message;
  }
  if (Status decoded = decodeInto(read); !decoded.ok()) {
    return decoded.error().prefixed(sw_->name() + ": ");
  }
  return read;
}

Status KubeTrafficObject::apply(const TrafficRead&, const RecordPatch& patch) {
  auto patched = sw_->patch(patch.ops);
  if (!patched.ok()) {
    return patched.error();
  }
  return {};
}

Result<std::string> KubeTrafficObject::switchToGreen(const TrafficRead& read, const Record& next,
                                                     const Lease& held) {
  auto moves = sw_->greenMoves(read.object);
  if (!moves.ok()) {
    return moves.error();
  }
  std::vector<BackendChange> changes;
  for (auto& m : *moves) {
    changes.push_back(BackendChange{m.path, m.expected, m.value});
  }
  auto patch = switchPatch(read.object, next, held, changes);
  if (!patch.ok()) {
    return patch.error();
  }
  auto patched = sw_->patch(patch->ops);
  if (!patched.ok()) {
    return patched.error();
  }
  auto after = sw_->judge(*patched);
  return read.detail + " -> " + (after.ok() ? after->detail : "green");
}

std::string KubeTrafficObject::backup(const TrafficRead& read) const {
  return json::serialize(read.object) + "\n";
}

std::optional<std::int64_t> KubeTrafficObject::blueReady() {
  if (blue_.deployment.empty()) {
    return std::nullopt;
  }
  auto deployment = sw_->client().get(kube::deploymentRef(blueNamespace(), blue_.deployment));
  if (!deployment.ok()) {
    return std::nullopt;
  }
  boost::system::error_code ec;
  const json::value* ready = deployment->find_pointer("/status/readyReplicas", ec);
  // An absent readyReplicas means none are ready (the API server omits zero values).
  return ready != nullptr && ready->is_int64() ? ready->as_int64() : 0;
}

Result<BlueBefore> KubeTrafficObject::blueBefore() {
  if (blue_.deployment.empty()) {
    return Error(ErrorCode::kInvalidInput, "blue.deployment is not set");
  }
  auto deployment = sw_->client().get(kube::deploymentRef(blueNamespace(), blue_.deployment));
  if (!deployment.ok()) {
    return deployment.error().toError();
  }
  auto replicas = sw_->client().getScale(blueNamespace(), blue_.deployment);
  if (!replicas.ok()) {
    return replicas.error().toError();
  }
  BlueBefore before;
  before.replicas = *replicas;
  boost::system::error_code ec;
  const json::value* image = deployment->find_pointer("/spec/template/spec/containers/0/image", ec);
  before.image = image != nullptr && image->is_string() ? std::string(image->as_string()) : "";
  return before;
}

Status KubeTrafficObject::scaleBlue(std::int64_t replicas) {
  return scaleDeployment(blueNamespace(), blue_.deployment, replicas);
}

Status KubeTrafficObject::scaleDeployment(const std::string& ns, const std::string& deployment,
                                          std::int64_t replicas) {
  auto scaled = sw_->client().setScale(ns.empty() ? sw_->ref().ns : ns, deployment, replicas);
  if (!scaled.ok()) {
    return scaled.error().toError();
  }
  return {};
}

Result<std::int64_t> KubeTrafficObject::deploymentPods(const std::string& ns,
                                                       const std::string& deployment) {
  auto object = sw_->client().get(kube::deploymentRef(ns.empty() ? sw_->ref().ns : ns, deployment));
  if (!object.ok()) {
    return object.error().toError();
  }
  boost::system::error_code ec;
  const json::value* pods = object->find_pointer("/status/replicas", ec);
  // The API server omits zero values: no status.replicas is no pod.
  return pods != nullptr && pods->is_int64() ? pods->as_int64() : 0;
}

}  // namespace nova::rollout
