// The simulated Deployment controller's rollouts: a new pod template is observed and rolled
// out after readyDelay on the server's clock, or stalls until the progress deadline.
#include <boost/json.hpp>
#include <functional>

#include "api.h"

namespace nova::fake_kube::detail {

namespace json = boost::json;

namespace {

std::int64_t intAt(const json::value& doc, std::string_view pointer, std::int64_t absent) {
  boost::system::error_code ec;
  const json::value* v = doc.find_pointer(pointer, ec);
  return v != nullptr && v->is_int64() ? v->get_int64() : absent;
}

json::object& member(json::value& doc, const char* key) {
  auto& v = doc.as_object()[key];
  if (!v.is_object()) {
    v = json::object();
  }
  return v.as_object();
}

// Counts are omitempty in apps/v1: zero is an absent field.
void setCount(json::object& status, const char* key, std::int64_t value) {
  if (value > 0) {
    status[key] = value;
  } else {
    status.erase(key);
  }
}

json::object condition(const char* type, const char* status, const char* reason,
                       const std::string& message) {
  return {{"type", type}, {"status", status}, {"reason", reason}, {"message", message}};
}

// The new ReplicaSet's name as the controller derives it: "<deployment>-<template hash>".
std::string replicaSetName(const json::value& deployment) {
  boost::system::error_code ec;
  const json::value* name = deployment.find_pointer("/metadata/name", ec);
  const json::value* pods = deployment.find_pointer("/spec/template", ec);
  const std::size_t hash = std::hash<std::string>{}(pods != nullptr ? json::serialize(*pods) : "");
  return (name != nullptr && name->is_string() ? std::string(name->get_string()) : "") + "-" +
         std::to_string(hash % 9'000'000'000 + 1'000'000'000);
}

}  // namespace

void Api::startRollout(Stored& stored) {
  stored.rollingOut = true;
  stored.changedAt = clock_.monoNow();
  // The controller has not seen the new generation yet; status still describes the old one.
  member(stored.object, "status");
}

bool Api::progressRollout(Stored& stored, MonoTime now) {
  json::value& d = stored.object;
  const std::int64_t generation = intAt(d, "/metadata/generation", 0);
  const std::int64_t wanted = intAt(d, "/spec/replicas", 1);
  const std::string rs = replicaSetName(d);
  auto& status = member(d, "status");
  if (now < stored.changedAt + options_.readyDelay) {
    return false;
  }
  if (rolloutsStalled_) {
    const DurationMs deadline = intAt(d, "/spec/progressDeadlineSeconds", 600) * kSecond;
    const bool observed = intAt(d, "/status/observedGeneration", 0) == generation;
    if (observed && now < stored.changedAt + deadline) {
      return false;
    }
    status["observedGeneration"] = generation;
    setCount(status, "updatedReplicas", 0);
    if (now < stored.changedAt + deadline) {
      status["conditions"] = json::array{condition("Progressing", "True", "ReplicaSetUpdated",
                                                   "ReplicaSet \"" + rs + "\" is progressing.")};
      return true;
    }
    stored.rollingOut = false;  // the controller takes no action beyond the condition
    status["conditions"] =
        json::array{condition("Progressing", "False", "ProgressDeadlineExceeded",
                              "ReplicaSet \"" + rs + "\" has timed out progressing.")};
    return true;
  }
  stored.rollingOut = false;
  status["observedGeneration"] = generation;
  for (const char* key : {"replicas", "updatedReplicas", "readyReplicas", "availableReplicas"}) {
    setCount(status, key, wanted);
  }
  status["conditions"] =
      json::array{condition("Available", "True", "MinimumReplicasAvailable",
                            "Deployment has minimum availability."),
                  condition("Progressing", "True", "NewReplicaSetAvailable",
                            "ReplicaSet \"" + rs + "\" has successfully progressed.")};
  return true;
}

}  // namespace nova::fake_kube::detail
