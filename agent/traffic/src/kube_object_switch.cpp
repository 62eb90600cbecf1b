#include "nova/traffic/kube_object_switch.h"

#include <spdlog/spdlog.h>

#include "kube_json.h"
#include "nova/core/rfc3339.h"

namespace nova::traffic {

namespace json = boost::json;

json::array rollbackAnnotationOps(const json::value& object, const RollbackRequest& request,
                                  const KubeTarget& target) {
  const std::string& p = target.annotationPrefix;
  json::object values{{p + "rollback-at", formatRfc3339(request.decidedAt, SubSecond::kMillis)},
                      {p + "rollback-reason", request.reason},
                      {p + "rollback-incident", request.incidentId},
                      {p + "rollback-by", request.who},
                      {p + "rollback-agent", target.agentName}};
  const json::value* annotations = detail::find(object, "/metadata/annotations");
  if (annotations == nullptr || !annotations->is_object()) {
    // JSON-patch `add` needs the parent map; create it whole with our keys.
    return {json::object{{"op", "add"}, {"path", "/metadata/annotations"}, {"value", values}}};
  }
  json::array ops;
  for (const auto& [key, value] : values) {
    // `add` on an object member replaces an existing value (RFC 6902 4.1).
    ops.push_back(json::object{{"op", "add"},
                               {"path", "/metadata/annotations/" + kube::escapePointerToken(key)},
                               {"value", value}});
  }
  return ops;
}

KubeObjectSwitch::KubeObjectSwitch(std::unique_ptr<kube::Client> client, KubeTarget target)
    : client_(std::move(client)), target_(std::move(target)) {}

std::string KubeObjectSwitch::name() const {
  std::string kind = target_.ref.resource;
  if (kind == "ingresses") {
    kind = "ingress";
  } else if (!kind.empty() && kind.back() == 's') {
    kind.pop_back();
  }
  return kind + " " + target_.ref.ns + "/" + target_.ref.name;
}

SwitchOutcome KubeObjectSwitch::alreadyBlue(const json::value& object, const TrafficState& state,
                                            const RollbackRequest& request) const {
  const std::string& p = target_.annotationPrefix;
  const std::string incident = detail::annotation(object, p + "rollback-incident");
  const std::string agent = detail::annotation(object, p + "rollback-agent");
  if (!request.incidentId.empty() && incident == request.incidentId && agent == target_.agentName) {
    // Our own earlier attempt took effect (its response was lost): that was the flip.
    return {SwitchOutcome::Kind::kFlipped,
            name() + ": flipped to blue by an earlier attempt for this incident (" + state.detail +
                ")"};
  }
  std::string detail = "already on blue: " + name() + " " + state.detail;
  if (!incident.empty()) {
    detail += " (rolled back for incident " + incident + " by " +
              detail::annotation(object, p + "rollback-by") + " at " +
              detail::annotation(object, p + "rollback-at") + ")";
  }
  return {SwitchOutcome::Kind::kAlreadyBlue, detail};
}

Result<SwitchOutcome> KubeObjectSwitch::rollback(const RollbackRequest& request) {
  auto object = client_->get(target_.ref);
  if (!object.ok()) {
    if (object.error().definite()) {
      return SwitchOutcome{SwitchOutcome::Kind::kImpossible, object.error().summary};
    }
    return object.error().toError();
  }
  auto state = classify(*object);
  if (!state.ok()) {
    return SwitchOutcome{SwitchOutcome::Kind::kImpossible, state.error().message};
  }
  if (state->backend == TrafficState::Backend::kBlue) {
    return alreadyBlue(*object, *state, request);
  }
  json::array ops = flipOps(*object);
  for (auto& op : rollbackAnnotationOps(*object, request, target_)) {
    ops.push_back(std::move(op));
  }
  auto patched = client_->jsonPatch(target_.ref, ops);
  if (patched.ok()) {
    auto after = classify(*patched);
    std::string detail = name() + ": " + state->detail + " -> " +
                         (after.ok() ? after->detail : std::string("blue")) + " (incident " +
                         request.incidentId + ")";
    spdlog::warn("traffic: flipped {}", detail);
    return SwitchOutcome{SwitchOutcome::Kind::kFlipped, detail};
  }
  if (patched.error().code() == ErrorCode::kConflict) {
    return judgeAfterConflict(request);
  }
  if (patched.error().definite()) {
    return SwitchOutcome{SwitchOutcome::Kind::kImpossible, patched.error().summary};
  }
  return patched.error().toError();
}

Result<SwitchOutcome> KubeObjectSwitch::judgeAfterConflict(const RollbackRequest& request) {
  // The tests failed: the object changed since it was read. Judge what it is now, and never
  // patch again in this call.
  auto object = client_->get(target_.ref);
  if (!object.ok()) {
    return object.error().toError();
  }
  auto state = classify(*object);
  if (!state.ok()) {
    return SwitchOutcome{SwitchOutcome::Kind::kImpossible, state.error().message};
  }
  if (state->backend == TrafficState::Backend::kBlue) {
    auto outcome = alreadyBlue(*object, *state, request);
    spdlog::info("traffic: {} changed under us; {}", name(), outcome.detail);
    return outcome;
  }
  if (state->backend == TrafficState::Backend::kUnknown) {
    return SwitchOutcome{
        SwitchOutcome::Kind::kImpossible,
        name() + " changed under us and now points at neither side: " + state->detail};
  }
  return Error(ErrorCode::kConflict,
               name() + ": the patch's test failed (422) but it still points at green (" +
                   state->detail + "); will retry");
}

Result<TrafficState> KubeObjectSwitch::current() {
  auto object = client_->get(target_.ref);
  if (!object.ok()) {
    return object.error().toError();
  }
  auto state = classify(*object);
  if (!state.ok()) {
    return state.error();
  }
  state->detail = name() + ": " + state->detail;
  return state;
}

}  // namespace nova::traffic
