// Phase 2 built in: green's Deployment gets the new image through the API, and the run
// waits for Kubernetes' own "rollout complete", bounded and interruptible.
#include "nova/rollout/green_deploy.h"

#include <boost/json.hpp>

#include "nova/kube/client.h"

namespace nova::rollout {
namespace {

namespace json = boost::json;

const json::value* at(const json::value& doc, std::string_view pointer) {
  boost::system::error_code ec;
  return doc.find_pointer(pointer, ec);
}

std::int64_t count(const json::value& doc, std::string_view pointer, std::int64_t absent = 0) {
  const json::value* v = at(doc, pointer);
  return v != nullptr && v->is_int64() ? v->get_int64() : absent;
}

std::string text(const json::value& doc, std::string_view pointer) {
  const json::value* v = at(doc, pointer);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : "";
}

// A conflict (a failed test, a stale version) is worth a fresh read; a few are enough.
constexpr int kPatchAttempts = 3;

}  // namespace

RolloutState judgeRollout(const json::value& deployment) {
  const std::int64_t generation = count(deployment, "/metadata/generation");
  const std::int64_t observed = count(deployment, "/status/observedGeneration");
  if (generation > observed) {
    return {RolloutState::Kind::kWaiting,
            "waiting for the controller to observe generation " + std::to_string(generation)};
  }
  if (const json::value* conditions = at(deployment, "/status/conditions");
      conditions != nullptr && conditions->is_array()) {
    for (const auto& c : conditions->get_array()) {
      if (text(c, "/type") == "Progressing" && text(c, "/reason") == "ProgressDeadlineExceeded") {
        return {RolloutState::Kind::kFailed, "ProgressDeadlineExceeded: " + text(c, "/message")};
      }
    }
  }
  const std::int64_t wanted = count(deployment, "/spec/replicas", 1);
  const std::int64_t replicas = count(deployment, "/status/replicas");
  const std::int64_t updated = count(deployment, "/status/updatedReplicas");
  const std::int64_t available = count(deployment, "/status/availableReplicas");
  const std::string counts = std::to_string(updated) + " of " + std::to_string(wanted) +
                             " updated, " + std::to_string(available) + " available";
  if (updated < wanted || replicas > updated || available < updated) {
    std::string old = replicas > updated
                          ? ", " + std::to_string(replicas - updated) + " old pending termination"
                          : "";
    return {RolloutState::Kind::kWaiting, counts + old};
  }
  return {RolloutState::Kind::kDone, counts};
}

Result<std::optional<json::array>> imagePatch(const json::value& deployment,
                                              const std::string& container,
                                              const std::string& image) {
  const json::value* containers = at(deployment, "/spec/template/spec/containers");
  if (containers != nullptr && containers->is_array()) {
    const auto& list = containers->get_array();
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (text(list[i], "/name") != container) {
        continue;
      }
      if (text(list[i], "/image") == image) {
        return std::optional<json::array>{};
      }
      const std::string base = "/spec/template/spec/containers/" + std::to_string(i);
      return std::optional<json::array>{json::array{
          json::object{{"op", "test"}, {"path", base + "/name"}, {"value", container}},
          json::object{{"op", "replace"}, {"path", base + "/image"}, {"value", image}}}};
    }
  }
  return Error(ErrorCode::kNotFound, "no container named \"" + container + "\"");
}

Result<GreenDeployed> deployGreenImage(const WithCluster& cluster, const DeploySpec& spec,
                                       const std::string& image, StopSource& stop, DurationMs bound,
                                       DurationMs pollInterval,
                                       const std::function<void(const std::string&)>& afterPatch) {
  const MonoTime deadline = stop.clock().monoNow() + bound;
  const kube::ObjectRef ref = kube::deploymentRef(spec.ns, spec.deployment);
  const std::string what = "deployments/" + spec.deployment + " in " + spec.ns;
  GreenDeployed done;
  // Read, and patch the image when it differs; one call at a time through the cluster.
  auto readOrPatch = [&](bool patch) -> Result<json::value> {
    Result<json::value> out = Error(ErrorCode::kUnavailable,
                                    "the traffic object is not on "
                                    "Kubernetes: no cluster to deploy to");
    cluster([&](kube::Client& client) {
      for (int attempt = 1;; ++attempt) {
        auto read = client.get(ref);
        if (!read.ok()) {
          out = read.error().toError();
          return;
        }
        if (!patch) {
          out = std::move(*read);
          return;
        }
        auto ops = imagePatch(*read, spec.container, image);
        if (!ops.ok()) {
          out = ops.error().prefixed(what + ": ");
          return;
        }
        if (!ops->has_value()) {
          out = std::move(*read);  // already set: a resumed run patches nothing
          return;
        }
        auto patched = client.jsonPatch(ref, **ops);
        if (patched.ok()) {
          done.patched = true;
          out = std::move(*patched);
          return;
        }
        if (patched.error().code() != ErrorCode::kConflict || attempt >= kPatchAttempts) {
          out = patched.error().toError();
          return;
        }
      }
    });
    return out;
  };
  auto current = readOrPatch(true);
  if (!current.ok()) {
    return current.error();
  }
  afterPatch(done.patched ? "image " + image + " set on " + what
                          : "image " + image + " already set on " + what);
  for (;;) {
    const RolloutState state = judgeRollout(*current);
    if (state.kind == RolloutState::Kind::kDone) {
      done.detail = what + ": " + image + ", " + state.detail +
                    (done.patched ? "" : " (image was already set)");
      return done;
    }
    if (state.kind == RolloutState::Kind::kFailed) {
      return Error(ErrorCode::kUnavailable, what + ": " + state.detail);
    }
    const MonoTime now = stop.clock().monoNow();
    if (now >= deadline) {
      return Error(ErrorCode::kTimeout,
                   what + ": not rolled out after " + formatDuration(bound) + ": " + state.detail);
    }
    if (stop.waitUntil(std::min(deadline, now + pollInterval))) {
      return Error(ErrorCode::kTimeout, "stopped while waiting for " + what);
    }
    ++done.polls;
    current = readOrPatch(false);
    if (!current.ok()) {
      return current.error();
    }
  }
}

}  // namespace nova::rollout
