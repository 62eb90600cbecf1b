// Judging the pods and nodes a pre-flight listed: pure, so every rule here is tested on
// plain JSON.
#include "cluster_judge.h"

#include <boost/json.hpp>

#include "nova/core/rfc3339.h"

namespace nova::rollout::detail {
namespace {

namespace json = boost::json;

std::string stringAt(const json::value& doc, std::string_view pointer) {
  boost::system::error_code ec;
  const json::value* v = doc.find_pointer(pointer, ec);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : "";
}

// The first waiting container's reason (CrashLoopBackOff, ImagePullBackOff), else the
// pod's own reason ("Evicted"); "" when neither says anything.
std::string podReason(const json::value& pod) {
  boost::system::error_code ec;
  const json::value* statuses = pod.find_pointer("/status/containerStatuses", ec);
  if (statuses != nullptr && statuses->is_array()) {
    for (const auto& s : statuses->get_array()) {
      if (std::string reason = stringAt(s, "/state/waiting/reason"); !reason.empty()) {
        return reason;
      }
      if (std::string reason = stringAt(s, "/state/terminated/reason"); !reason.empty()) {
        return reason;
      }
    }
  }
  return stringAt(pod, "/status/reason");
}

// "a, b, c and 4 more".
std::string limited(const std::vector<std::string>& names, int limit) {
  std::string out;
  const std::size_t shown = std::min(names.size(), static_cast<std::size_t>(limit));
  for (std::size_t i = 0; i < shown; ++i) {
    out += (i == 0 ? "" : ", ") + names[i];
  }
  if (names.size() > shown) {
    out += " and " + std::to_string(names.size() - shown) + " more";
  }
  return out;
}

}  // namespace

ClusterCheckResult judgePods(const std::vector<json::value>& pods, const ClusterPreflight& spec,
                             TimestampMs now) {
  std::vector<std::string> bad;
  std::size_t judged = 0;
  for (const auto& pod : pods) {
    if (!stringAt(pod, "/metadata/deletionTimestamp").empty()) {
      continue;  // on its way out; a replacement is judged instead
    }
    ++judged;
    const std::string name = stringAt(pod, "/metadata/name");
    const std::string phase = stringAt(pod, "/status/phase");
    const std::string reason = podReason(pod);
    const std::string why = reason.empty() ? "" : ": " + reason;
    if (phase == "Failed") {
      bad.push_back(name + " (Failed" + why + ")");
    } else if (phase == "Pending" || phase.empty()) {
      auto created = parseRfc3339(stringAt(pod, "/metadata/creationTimestamp"));
      // No readable creation time: the age is unknown, and unknown is not healthy.
      const DurationMs age = created.ok() ? now - *created : spec.pendingGrace + 1;
      if (age > spec.pendingGrace) {
        bad.push_back(name + " (Pending " +
                      (created.ok() ? "for " + formatDuration(age) : std::string("since ?")) + why +
                      ")");
      }
    }
  }
  const std::string over = "pending over " + formatDuration(spec.pendingGrace);
  if (bad.empty()) {
    return {true, std::to_string(judged) + " pods in " + spec.ns + ", none failed or " + over};
  }
  return {false, std::to_string(bad.size()) + " of " + std::to_string(judged) + " pods in " +
                     spec.ns + " failed or " + over + ": " + limited(bad, spec.listLimit)};
}

ClusterCheckResult judgeNodes(const std::vector<json::value>& nodes, const ClusterPreflight& spec) {
  const std::string which = spec.nodeSelector.empty() ? "" : " (" + spec.nodeSelector + ")";
  if (nodes.empty()) {
    return {false, "no nodes" + which + " found"};
  }
  std::vector<std::string> notReady;
  for (const auto& node : nodes) {
    std::string ready = "no Ready condition";
    boost::system::error_code ec;
    const json::value* conditions = node.find_pointer("/status/conditions", ec);
    if (conditions != nullptr && conditions->is_array()) {
      for (const auto& c : conditions->get_array()) {
        if (stringAt(c, "/type") == "Ready") {
          ready = "Ready " + stringAt(c, "/status");
        }
      }
    }
    if (ready != "Ready True") {
      notReady.push_back(stringAt(node, "/metadata/name") + " (" + ready + ")");
    }
  }
  if (notReady.empty()) {
    return {true, std::to_string(nodes.size()) + " nodes" + which + " Ready"};
  }
  return {false, std::to_string(notReady.size()) + " of " + std::to_string(nodes.size()) +
                     " nodes" + which + " not Ready: " + limited(notReady, spec.listLimit)};
}

}  // namespace nova::rollout::detail
