#include "nova/rollout/record_patch.h"

#include <boost/json/object.hpp>
#include <charconv>

#include "nova/kube/client.h"

namespace nova::rollout {
namespace {

namespace json = boost::json;

constexpr std::string_view kAnnotationsPath = "/metadata/annotations";

std::string pointerTo(std::string_view key) {
  return std::string(kAnnotationsPath) + "/" + kube::escapePointerToken(key);
}

json::object op(std::string_view name, std::string path) {
  return json::object{{"op", name}, {"path", std::move(path)}};
}

json::object op(std::string_view name, std::string path, json::value value) {
  json::object o = op(name, std::move(path));
  o["value"] = std::move(value);
  return o;
}

const std::string* find(const Annotations& a, std::string_view key) {
  const auto it = a.find(std::string(key));
  return it == a.end() ? nullptr : &it->second;
}

bool hasAnnotationsMap(const json::value& object) {
  const json::value* meta = object.as_object().if_contains("metadata");
  const json::value* map = meta->as_object().if_contains("annotations");
  return map != nullptr && map->is_object();
}

// The test that pins the object when the value we would compare does not exist yet.
Result<json::object> resourceVersionTest(const json::value& object) {
  const json::value* meta = object.as_object().if_contains("metadata");
  const json::value* rv = meta->as_object().if_contains("resourceVersion");
  if (rv == nullptr || !rv->is_string() || rv->get_string().empty()) {
    return Error(ErrorCode::kInvalidInput,
                 "the object has no metadata.resourceVersion to pin the write to");
  }
  return op("test", "/metadata/resourceVersion", *rv);
}

// The operations that turn the annotations `before` into `after`.
void changeOps(const json::value& object, const Annotations& before, const Annotations& after,
               json::array& ops) {
  if (!hasAnnotationsMap(object)) {
    // JSON-patch `add` needs the parent map: create it whole.
    json::object map;
    for (const auto& [key, value] : after) {
      map[key] = value;
    }
    ops.push_back(op("add", std::string(kAnnotationsPath), std::move(map)));
    return;
  }
  for (const auto& [key, value] : after) {
    const std::string* old = find(before, key);
    if (old == nullptr || *old != value) {
      // `add` on an existing member replaces it (RFC 6902 4.1).
      ops.push_back(op("add", pointerTo(key), json::value(value)));
    }
  }
  for (const auto& [key, value] : before) {
    if (after.find(key) == after.end()) {
      ops.push_back(op("remove", pointerTo(key)));
    }
  }
}

Status checkTotal(const Annotations& after) {
  const std::size_t total = annotationsSize(after);
  if (total > kAnnotationsTotalLimit) {
    return Error(ErrorCode::kInvalidInput,
                 "the object's annotations would total " + std::to_string(total) +
                     " bytes, over Kubernetes' limit of " + std::to_string(kAnnotationsTotalLimit));
  }
  return {};
}

// kConflict unless the object's lease is exactly `held`.
Status checkHeld(const Annotations& before, const Lease& held) {
  const std::string* current = find(before, keys::kLease);
  if (current != nullptr && *current == encodeLease(held)) {
    return {};
  }
  std::string who = "nobody";
  if (current != nullptr) {
    auto lease = decodeLease(*current);
    who = lease.ok() ? "rollout " + lease->holder + " (run " + lease->instance + ")"
                     : "an unreadable lease";
  }
  return Error(ErrorCode::kConflict, "the lease of rollout " + held.holder + " (run " +
                                         held.instance + ") is lost: it is now held by " + who);
}

struct Ops {
  json::array tests;
  json::array changes;
  Annotations after;
};

Result<Ops> recordOps(const json::value& object, Record next, const Lease& held,
                      const RecordLimits& limits) {
  auto before = annotationsOf(object);
  if (!before) {
    return before.error();
  }
  if (Status ok = checkHeld(*before, held); !ok) {
    return ok.error();
  }
  Ops out;
  out.tests.push_back(
      op("test", pointerTo(keys::kLease), json::value(*find(*before, keys::kLease))));
  std::int64_t revision = 0;
  if (const std::string* current = find(*before, keys::kRevision)) {
    const char* end = current->data() + current->size();
    auto [ptr, ec] = std::from_chars(current->data(), end, revision);
    if (ec != std::errc() || ptr != end) {
      return Error(ErrorCode::kInvalidInput,
                   "annotation " + std::string(keys::kRevision) + ": not a number: " + *current);
    }
    out.tests.push_back(op("test", pointerTo(keys::kRevision), json::value(*current)));
  } else {
    auto pin = resourceVersionTest(object);
    if (!pin) {
      return pin.error();
    }
    out.tests.push_back(std::move(*pin));
  }
  next.revision = revision + 1;
  auto encoded = encodeRecord(next, limits);
  if (!encoded) {
    return encoded.error();
  }
  for (const auto& [key, value] : *before) {
    if (!key.starts_with(keys::kRecordKeyPrefix) || key == keys::kLease) {
      out.after.emplace(key, value);
    }
  }
  for (auto& [key, value] : *encoded) {
    out.after[key] = value;
  }
  if (Status total = checkTotal(out.after); !total) {
    return total.error();
  }
  changeOps(object, *before, out.after, out.changes);
  return out;
}

RecordPatch join(Ops ops) {
  RecordPatch patch;
  patch.ops = std::move(ops.tests);
  for (auto& change : ops.changes) {
    patch.ops.push_back(std::move(change));
  }
  patch.after = std::move(ops.after);
  return patch;
}

}  // namespace

Result<Annotations> annotationsOf(const json::value& object) {
  const json::value* meta =
      object.is_object() ? object.as_object().if_contains("metadata") : nullptr;
  if (meta == nullptr || !meta->is_object()) {
    return Error(ErrorCode::kInvalidInput, "the object has no metadata");
  }
  Annotations out;
  const json::value* map = meta->as_object().if_contains("annotations");
  if (map == nullptr || map->is_null()) {
    return out;
  }
  if (!map->is_object()) {
    return Error(ErrorCode::kInvalidInput, "metadata.annotations is not an object");
  }
  for (const auto& entry : map->get_object()) {
    if (!entry.value().is_string()) {
      return Error(ErrorCode::kInvalidInput,
                   "annotation " + std::string(entry.key()) + ": value is not a string");
    }
    out.emplace(std::string(entry.key()), std::string(entry.value().get_string()));
  }
  return out;
}

Result<RecordPatch> leasePatch(const json::value& object, const Lease& next) {
  auto before = annotationsOf(object);
  if (!before) {
    return before.error();
  }
  Ops ops;
  if (const std::string* current = find(*before, keys::kLease)) {
    ops.tests.push_back(op("test", pointerTo(keys::kLease), json::value(*current)));
  } else {
    auto pin = resourceVersionTest(object);
    if (!pin) {
      return pin.error();
    }
    ops.tests.push_back(std::move(*pin));
  }
  ops.after = *before;
  ops.after[std::string(keys::kLease)] = encodeLease(next);
  if (Status total = checkTotal(ops.after); !total) {
    return total.error();
  }
  changeOps(object, *before, ops.after, ops.changes);
  return join(std::move(ops));
}

Result<RecordPatch> releasePatch(const json::value& object, const Lease& held) {
  auto before = annotationsOf(object);
  if (!before) {
    return before.error();
  }
  if (Status ok = checkHeld(*before, held); !ok) {
    return ok.error();
  }
  RecordPatch patch;
  patch.ops.push_back(op("test", pointerTo(keys::kLease), json::value(encodeLease(held))));
  patch.ops.push_back(op("remove", pointerTo(keys::kLease)));
  patch.after = *before;
  patch.after.erase(std::string(keys::kLease));
  return patch;
}

Result<RecordPatch> recordPatch(const json::value& object, Record next, const Lease& held,
                                const RecordLimits& limits) {
  auto ops = recordOps(object, std::move(next), held, limits);
  if (!ops) {
    return ops.error();
  }
  return join(std::move(ops).value());
}

Result<RecordPatch> switchPatch(const json::value& object, Record next, const Lease& held,
                                std::span<const BackendChange> backend,
                                const RecordLimits& limits) {
  if (backend.empty()) {
    return Error(ErrorCode::kInvalidInput, "the switch patch needs the backend change");
  }
  if (!next.switchedAt) {
    return Error(ErrorCode::kInvalidInput, "the switch patch's record needs the switch time");
  }
  auto record = recordOps(object, std::move(next), held, limits);
  if (!record) {
    return record.error();
  }
  Ops ops;
  for (const BackendChange& change : backend) {
    ops.tests.push_back(op("test", change.path, change.expected));
  }
  for (auto& test : record->tests) {
    ops.tests.push_back(std::move(test));
  }
  for (const BackendChange& change : backend) {
    ops.changes.push_back(op("replace", change.path, change.value));
  }
  for (auto& change : record->changes) {
    ops.changes.push_back(std::move(change));
  }
  ops.after = std::move(record->after);
  return join(std::move(ops));
}

}  // namespace nova::rollout
