#pragma once

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>
#include <memory>
#include <string>

#include "nova/kube/client.h"
#include "nova/traffic/switch.h"

namespace nova::traffic {

/// What every Kubernetes switch patches and how it signs its work.
struct KubeTarget {
  /// The object that decides where traffic goes.
  kube::ObjectRef ref;
  /// Recorded in the `<prefix>rollback-agent` annotation; also how a switch recognises its
  /// own earlier flip after a lost response.
  std::string agentName = "nova-agent";
  /// Prefix of the annotations recording a rollback: rollback-at, rollback-reason,
  /// rollback-incident, rollback-by, rollback-agent.
  std::string annotationPrefix = "nova.rollout/";
};

/// The shared shape of the Kubernetes switches: read the object, decide where it points,
/// and flip with ONE JSON patch whose `test` operations pin the state that was read, plus
/// annotations recording the rollback. A failed test (422) means the object changed under
/// us: it is read again and judged, so two agents racing produce exactly one flip and the
/// other answers kAlreadyBlue. 403 and 404 are kImpossible (a person must act); other API
/// failures (after the client's own retries) are errors the agent retries.
class KubeObjectSwitch : public Switch {
 public:
  KubeObjectSwitch(std::unique_ptr<kube::Client> client, KubeTarget target);

  Result<SwitchOutcome> rollback(const RollbackRequest& request) final;
  Result<TrafficState> current() final;

 protected:
  /// Where `object` sends traffic. kUnknown with a detail when it points at neither side
  /// but could still be flipped; an Error when it cannot be understood or flipped at all
  /// (the rollback then answers kImpossible with that message).
  virtual Result<TrafficState> classify(const boost::json::value& object) const = 0;
  /// The operations (tests first) that move `object`, as read, to blue.
  virtual boost::json::array flipOps(const boost::json::value& object) const = 0;
  /// "ingress production/api-ingress", for messages.
  std::string name() const;

 private:
  Result<SwitchOutcome> judgeAfterConflict(const RollbackRequest& request);
  SwitchOutcome alreadyBlue(const boost::json::value& object, const TrafficState& state,
                            const RollbackRequest& request) const;

  std::unique_ptr<kube::Client> client_;
  KubeTarget target_;
};

/// The JSON-patch operations that record a rollback in `object`'s annotations (the map is
/// created whole when absent; values are strings). Exposed for tests.
boost::json::array rollbackAnnotationOps(const boost::json::value& object,
                                         const RollbackRequest& request, const KubeTarget& target);

}  // namespace nova::traffic
