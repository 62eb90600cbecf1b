#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "api.h"
#include "json_patch.h"

namespace nova::fake_kube::detail {

namespace json = boost::json;

namespace {

const json::value* at(const json::value& doc, std::initializer_list<const char*> path) {
  const json::value* v = &doc;
  for (const char* key : path) {
    const auto* object = v->if_object();
    v = object != nullptr ? object->if_contains(key) : nullptr;
    if (v == nullptr) {
      return nullptr;
    }
  }
  return v;
}

std::int64_t intAt(const json::value& doc, std::initializer_list<const char*> path) {
  const json::value* v = at(doc, path);
  return v != nullptr && v->is_number() ? v->to_number<std::int64_t>() : 0;
}

std::string stringAt(const json::value& doc, std::initializer_list<const char*> path) {
  const json::value* v = at(doc, path);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : "";
}

// Counts are omitempty in apps/v1: zero is written as an absent field.
void setCount(json::object& status, const char* key, std::int64_t value) {
  if (value > 0) {
    status[key] = value;
  } else {
    status.erase(key);
  }
}

json::object& objectAt(json::value& doc, const char* key) {
  auto& v = doc.as_object()[key];
  if (!v.is_object()) {
    v = json::object();
  }
  return v.as_object();
}

ApiResponse conflict(const ResourceType& type, const std::string& name) {
  return conflictResponse(type, name,
                          "the object has been modified; please apply your changes to the "
                          "latest version and try again");
}

json::value scaleOf(const json::value& deployment) {
  json::object meta;
  for (const char* key : {"name", "namespace", "uid", "resourceVersion", "creationTimestamp"}) {
    if (const auto* v = at(deployment, {"metadata", key})) {
      meta[key] = *v;
    }
  }
  json::object spec;
  setCount(spec, "replicas", intAt(deployment, {"spec", "replicas"}));
  json::object status;
  setCount(status, "replicas", intAt(deployment, {"status", "replicas"}));
  std::string selector;
  if (const auto* labels = at(deployment, {"spec", "selector", "matchLabels"});
      labels != nullptr && labels->is_object()) {
    for (const auto& [k, v] : labels->get_object()) {
      selector += (selector.empty() ? "" : ",") + std::string(k) + "=" +
                  (v.is_string() ? std::string(v.get_string()) : json::serialize(v));
    }
  }
  status["selector"] = selector;
  return json::object{{"kind", "Scale"},
                      {"apiVersion", "autoscaling/v1"},
                      {"metadata", meta},
                      {"spec", spec},
                      {"status", status}};
}

}  // namespace

ApiResponse Api::applyPatch(const ApiRequest& request, const Target& target, json::value& doc) {
  const std::string& type = request.contentType;
  const std::string current = stringAt(doc, {"metadata", "resourceVersion"});
  if (type.starts_with("application/json-patch+json")) {
    auto result = applyJsonPatch(doc, request.body);
    if (result.kind == PatchResult::Kind::kUndecodable) {
      return statusResponse(400, "BadRequest", "error decoding patch: " + result.why);
    }
    if (result.kind == PatchResult::Kind::kFailed) {
      // The real server hides the json-patch error behind a fixed text (specs/kubernetes.md).
      return statusResponse(422, "Invalid",
                            "the server rejected our request due to an error in our request",
                            json::object{});
    }
    return {};
  }
  const bool merge = type.starts_with("application/merge-patch+json");
  const bool strategic = type.starts_with("application/strategic-merge-patch+json");
  if (!merge && !(strategic && target.type->resource != "httproutes")) {
    return statusResponse(415, "UnsupportedMediaType",
                          "the body of the request was in an unknown format - accepted media "
                          "types include: application/json-patch+json, "
                          "application/merge-patch+json, application/apply-patch+yaml");
  }
  json::error_code ec;
  json::value patch = json::parse(request.body, ec);
  if (ec || !patch.is_object()) {
    return statusResponse(400, "BadRequest", "error decoding patch: not a JSON object");
  }
  // A merge patch carrying metadata.resourceVersion is a precondition.
  if (std::string wanted = stringAt(patch, {"metadata", "resourceVersion"});
      !wanted.empty() && wanted != current) {
    return conflict(*target.type, target.name);
  }
  applyMergePatch(doc, patch);
  return {};
}

void Api::commit(Stored& stored, json::value next) {
  json::value& old = stored.object;
  if (jsonEqual(old, next)) {
    return;  // a no-op write leaves resourceVersion alone, as the real server
  }
  auto& meta = objectAt(next, "metadata");
  for (const char* key : {"name", "namespace", "uid", "creationTimestamp"}) {
    if (const auto* v = at(old, {"metadata", key})) {
      meta[key] = *v;
    }
  }
  const json::value* oldSpec = at(old, {"spec"});
  const json::value* newSpec = at(next, {"spec"});
  std::int64_t generation = intAt(old, {"metadata", "generation"});
  if ((oldSpec == nullptr) != (newSpec == nullptr) ||
      (oldSpec != nullptr && !jsonEqual(*oldSpec, *newSpec))) {
    ++generation;
  }
  meta["generation"] = generation;
  if (intAt(old, {"spec", "replicas"}) != intAt(next, {"spec", "replicas"}) &&
      stringAt(next, {"kind"}) == "Deployment") {
    stored.settling = true;
    stored.changedAt = clock_.monoNow();
    auto& status = objectAt(next, "status");
    status["observedGeneration"] = generation;
    setCount(status, "replicas", intAt(next, {"spec", "replicas"}));
    setCount(status, "updatedReplicas", intAt(next, {"spec", "replicas"}));
  }
  const json::value* oldTemplate = at(old, {"spec", "template"});
  const json::value* newTemplate = at(next, {"spec", "template"});
  const bool templateChanged =
      oldTemplate != nullptr && newTemplate != nullptr && !jsonEqual(*oldTemplate, *newTemplate);
  meta["resourceVersion"] = bumpVersion();
  stored.object = std::move(next);
  if (templateChanged && stringAt(stored.object, {"kind"}) == "Deployment") {
    startRollout(stored);
  }
  recordEvent("MODIFIED", stored.object);
}

void Api::settle() {
  const MonoTime now = clock_.monoNow();
  for (auto& [k, stored] : objects_) {
    if (stored.rollingOut && progressRollout(stored, now)) {
      objectAt(stored.object, "metadata")["resourceVersion"] = bumpVersion();
      recordEvent("MODIFIED", stored.object);
    }
    if (!stored.settling || now < stored.changedAt + options_.readyDelay) {
      continue;
    }
    stored.settling = false;
    const std::int64_t want = intAt(stored.object, {"spec", "replicas"});
    auto& status = objectAt(stored.object, "status");
    setCount(status, "readyReplicas", want);
    setCount(status, "availableReplicas", want);
    status["conditions"] =
        json::array{json::object{{"type", "Available"},
                                 {"status", "True"},
                                 {"reason", "MinimumReplicasAvailable"},
                                 {"message", "Deployment has minimum availability."}}};
    objectAt(stored.object, "metadata")["resourceVersion"] = bumpVersion();
    recordEvent("MODIFIED", stored.object);
  }
}

ApiResponse Api::serveScale(const ApiRequest& request, const Target& target, Stored& stored) {
  json::value scale = scaleOf(stored.object);
  if (request.method == "GET") {
    return jsonResponse(scale);
  }
  if (request.method == "PATCH") {
    ApiResponse refused = applyPatch(request, target, scale);
    if (refused.status != 200) {
      return refused;
    }
  } else if (request.method == "PUT") {
    json::error_code ec;
    json::value body = json::parse(request.body, ec);
    if (ec || !body.is_object()) {
      return statusResponse(400, "BadRequest", "the body is not a Scale object");
    }
    std::string wanted = stringAt(body, {"metadata", "resourceVersion"});
    if (!wanted.empty() && wanted != stringAt(scale, {"metadata", "resourceVersion"})) {
      return conflict(*target.type, target.name);
    }
    scale = std::move(body);
  } else {
    return statusResponse(405, "MethodNotAllowed", "the server does not allow this method");
  }
  const json::value* replicas = at(scale, {"spec", "replicas"});
  if (replicas != nullptr && (!replicas->is_int64() || replicas->get_int64() < 0)) {
    return statusResponse(
        422, "Invalid",
        "Scale.autoscaling \"" + target.name +
            "\" is invalid: spec.replicas: Invalid value: must be greater "
            "than or equal to 0",
        json::object{{"name", target.name}, {"group", "autoscaling"}, {"kind", "Scale"}});
  }
  json::value next = stored.object;
  objectAt(next, "spec")["replicas"] = replicas != nullptr ? replicas->get_int64() : 0;
  commit(stored, std::move(next));
  return jsonResponse(scaleOf(stored.object));
}

ApiResponse Api::serveObject(const ApiRequest& request, const Target& target) {
  auto it = objects_.find(key(target.type->resource, target.ns, target.name));
  if (it == objects_.end()) {
    return notFound(target);
  }
  Stored& stored = it->second;
  if (target.subresource == "scale") {
    return serveScale(request, target, stored);
  }
  if (request.method == "GET") {
    return jsonResponse(stored.object);
  }
  json::value next = stored.object;
  if (request.method == "PATCH") {
    ApiResponse refused = applyPatch(request, target, next);
    if (refused.status != 200) {
      return refused;
    }
  } else if (request.method == "PUT") {
    json::error_code ec;
    next = json::parse(request.body, ec);
    if (ec || !next.is_object()) {
      return statusResponse(400, "BadRequest", "the body is not a JSON object");
    }
    std::string wanted = stringAt(next, {"metadata", "resourceVersion"});
    if (wanted != stringAt(stored.object, {"metadata", "resourceVersion"})) {
      return conflict(*target.type, target.name);
    }
  } else {
    return statusResponse(405, "MethodNotAllowed", "the server does not allow this method");
  }
  commit(stored, std::move(next));
  return jsonResponse(stored.object);
}

}  // namespace nova::fake_kube::detail
