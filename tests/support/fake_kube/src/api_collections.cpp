// Lists (label and field selectors, limit and continue), create (POST) and delete, as
// specs/kubernetes.md and the API server's conventions describe them.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "api.h"
#include "nova/core/rfc3339.h"
#include "nova/http/encoding.h"
#include "selectors.h"

namespace nova::fake_kube::detail {

namespace json = boost::json;

namespace {

// The real server's message for a continue token whose snapshot is gone.
constexpr const char* kExpired =
    "The provided continue parameter is too old to display a consistent list result. You can "
    "start a new list without the continue parameter, or use the continue token in this "
    "response to retrieve the remainder of the results. Continuing with the provided token "
    "results in an inconsistent list - objects that were created, modified, or deleted between "
    "the time the first chunk was returned and now may show up in the list.";

// Opaque to clients, like the real one: base64 of {"rv": <list version>, "start": <key>}.
std::string continueToken(std::uint64_t rv, const std::string& lastKey) {
  return http::encodeBase64(json::serialize(json::object{{"rv", rv}, {"start", lastKey}}));
}

struct Continuation {
  std::uint64_t rv = 0;
  std::string after;
};

std::optional<Continuation> readToken(const std::string& token) {
  auto bytes = http::decodeBase64(token);
  if (!bytes) {
    return std::nullopt;
  }
  json::error_code ec;
  json::value doc = json::parse(*bytes, ec);
  const auto* object = ec ? nullptr : doc.if_object();
  const auto* rv = object != nullptr ? object->if_contains("rv") : nullptr;
  const auto* start = object != nullptr ? object->if_contains("start") : nullptr;
  if (rv == nullptr || !rv->is_number() || start == nullptr || !start->is_string()) {
    return std::nullopt;
  }
  return Continuation{rv->to_number<std::uint64_t>(), std::string(start->get_string())};
}

std::string metaString(const json::value& object, const char* key) {
  const auto* meta = object.is_object() ? object.get_object().if_contains("metadata") : nullptr;
  const auto* v =
      meta != nullptr && meta->is_object() ? meta->get_object().if_contains(key) : nullptr;
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : "";
}

std::string apiVersionOf(const ResourceType& type) {
  return type.group.empty() ? type.version : type.group + "/" + type.version;
}

// Built-in types come out of a typed list without their own kind and apiVersion; custom
// resources (HTTPRoute) are unstructured and keep them.
json::value listItem(const ResourceType& type, json::value object) {
  if (type.group != "gateway.networking.k8s.io" && object.is_object()) {
    object.get_object().erase("kind");
    object.get_object().erase("apiVersion");
  }
  return object;
}

}  // namespace

std::vector<std::pair<std::string, const Api::Stored*>> Api::collection(
    const Target& target, const std::string& afterKey) const {
  std::vector<std::pair<std::string, const Stored*>> out;
  const std::string prefix = target.type->resource + "/";
  for (auto it = objects_.upper_bound(afterKey); it != objects_.end(); ++it) {
    const auto& [k, stored] = *it;
    if (k.starts_with(prefix) &&
        (target.ns.empty() || metaString(stored.object, "namespace") == target.ns)) {
      out.emplace_back(k, &stored);
    }
  }
  return out;
}

ApiResponse Api::serveList(const ApiRequest& request, const Target& target) {
  const auto params = parseQuery(request.query);
  auto param = [&](const char* key) {
    auto it = params.find(key);
    return it == params.end() ? std::string() : it->second;
  };
  auto labels = parseLabelSelector(param("labelSelector"));
  if (const auto* why = std::get_if<std::string>(&labels)) {
    return statusResponse(400, "BadRequest", *why);
  }
  auto fields = parseFieldSelector(param("fieldSelector"));
  if (const auto* why = std::get_if<std::string>(&fields)) {
    return statusResponse(400, "BadRequest", *why);
  }
  std::uint64_t rv = version_;
  std::string after;
  if (const std::string token = param("continue"); !token.empty()) {
    auto continuation = readToken(token);
    if (!continuation) {
      return statusResponse(400, "BadRequest", "continue key is not valid: " + token);
    }
    // This server keeps no history: a page can follow only while nothing was written.
    if (continuation->rv != version_) {
      return statusResponse(410, "Expired", kExpired);
    }
    rv = continuation->rv;
    after = continuation->after;
  }
  std::int64_t limit = 0;
  if (const std::string text = param("limit"); !text.empty()) {
    try {
      limit = std::stoll(text);
    } catch (const std::exception&) {
      return statusResponse(400, "BadRequest", "limit: invalid value \"" + text + "\"");
    }
  }
  const auto& wanted = std::get<std::vector<LabelRequirement>>(labels);
  const auto& fieldWanted = std::get<std::vector<FieldRequirement>>(fields);
  json::array items;
  std::string lastKey;
  std::int64_t remaining = 0;
  for (const auto& [k, stored] : collection(target, after)) {
    if (!matchesLabels(wanted, stored->object) || !matchesFields(fieldWanted, stored->object)) {
      continue;
    }
    if (limit > 0 && static_cast<std::int64_t>(items.size()) >= limit) {
      ++remaining;
      continue;
    }
    items.push_back(listItem(*target.type, stored->object));
    lastKey = k;
  }
  json::object metadata{{"resourceVersion", std::to_string(rv)}};
  if (remaining > 0) {
    metadata["continue"] = continueToken(rv, lastKey);
    if (wanted.empty() && fieldWanted.empty()) {
      metadata["remainingItemCount"] = remaining;  // only for unfiltered lists
    }
  }
  const auto& type = *target.type;
  return jsonResponse(json::object{{"kind", type.kind + "List"},
                                   {"apiVersion", apiVersionOf(type)},
                                   {"metadata", metadata},
                                   {"items", items}});
}

ApiResponse Api::createObject(const ApiRequest& request, const Target& target) {
  const auto& type = *target.type;
  json::error_code ec;
  json::value object = json::parse(request.body, ec);
  if (ec || !object.is_object()) {
    return statusResponse(400, "BadRequest", "the body of the request is not a JSON object");
  }
  auto& top = object.get_object();
  const auto* kind = top.if_contains("kind");
  if (kind != nullptr && (!kind->is_string() || kind->get_string() != type.kind)) {
    return statusResponse(400, "BadRequest",
                          "the kind of the object does not match the resource " + qualified(type));
  }
  top["kind"] = type.kind;
  top["apiVersion"] = apiVersionOf(type);
  if (!top["metadata"].is_object()) {
    top["metadata"] = json::object();
  }
  auto& meta = top["metadata"].get_object();
  const std::string ns = metaString(object, "namespace");
  if (!ns.empty() && ns != target.ns) {
    return statusResponse(400, "BadRequest",
                          "the namespace of the provided object does not match the namespace "
                          "sent on the request");
  }
  if (type.namespaced) {
    meta["namespace"] = target.ns;
  }
  std::string name = metaString(object, "name");
  if (name.empty() && !metaString(object, "generateName").empty()) {
    name = metaString(object, "generateName") + std::to_string(version_ + 1);
    meta["name"] = name;
  }
  if (name.empty()) {
    const std::string kind = type.group.empty() ? type.kind : type.kind + "." + type.group;
    return statusResponse(422, "Invalid",
                          kind +
                              " \"\" is invalid: metadata.name: Required value: name or "
                              "generateName is required",
                          json::object{{"group", type.group}, {"kind", type.kind}});
  }
  if (objects_.count(key(type.resource, target.ns, name)) > 0) {
    return statusResponse(
        409, "AlreadyExists", qualified(type) + " \"" + name + "\" already exists",
        json::object{{"name", name}, {"group", type.group}, {"kind", type.resource}});
  }
  for (const char* server : {"uid", "resourceVersion", "creationTimestamp", "generation"}) {
    meta.erase(server);  // the server sets these, whatever the client sent
  }
  const std::string stored =
      store(std::move(object), formatRfc3339(clock_.now(), SubSecond::kNone));
  return jsonResponse(objects_.at(stored).object, 201);
}

ApiResponse Api::deleteObject(const ApiRequest& request, const Target& target) {
  auto it = objects_.find(key(target.type->resource, target.ns, target.name));
  if (it == objects_.end()) {
    return notFound(target);
  }
  const json::value& object = it->second.object;
  if (!request.body.empty()) {
    json::error_code ec;
    json::value options = json::parse(request.body, ec);
    if (ec || !options.is_object()) {
      return statusResponse(400, "BadRequest", "the body of the request is not DeleteOptions");
    }
    const auto* pre = options.get_object().if_contains("preconditions");
    const auto* conditions = pre != nullptr ? pre->if_object() : nullptr;
    for (const char* field : {"uid", "resourceVersion"}) {
      const auto* wanted = conditions != nullptr ? conditions->if_contains(field) : nullptr;
      if (wanted == nullptr || !wanted->is_string()) {
        continue;
      }
      const std::string actual = metaString(object, field);
      if (wanted->get_string() != actual) {
        const std::string label = std::string(field) == "uid" ? "UID" : "ResourceVersion";
        return conflictResponse(*target.type, target.name,
                                "Precondition failed: " + label +
                                    " in precondition: " + std::string(wanted->get_string()) +
                                    ", " + label + " in object meta: " + actual);
      }
    }
  }
  json::value last = object;
  objects_.erase(it);
  // The deletion is a change of the collection; its watch event carries the new version.
  json::value gone = last;
  gone.as_object()["metadata"].as_object()["resourceVersion"] = bumpVersion();
  recordEvent("DELETED", gone);
  return jsonResponse(last);
}

}  // namespace nova::fake_kube::detail
