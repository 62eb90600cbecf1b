#pragma once

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>
#include <memory>
#include <string>
#include <vector>

#include "nova/kube/client.h"
#include "nova/traffic/switch.h"
#include "nova/traffic/weighted_switch.h"

namespace nova::traffic {

/// One compare-and-swap change that moves traffic to green: the JSON Pointer, the value it
/// must have now, and the value it gets.
struct BackendMove {
  std::string path;
  boost::json::value expected;
  boost::json::value value;
};

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
class KubeObjectSwitch : public Switch, public WeightedSwitch {
 public:
  KubeObjectSwitch(std::unique_ptr<kube::Client> client, KubeTarget target);

  Result<SwitchOutcome> rollback(const RollbackRequest& request) final;
  Result<TrafficState> current() final;

  // The forward move, for the rollout: it reads the object, decides from the same read
  // where traffic goes, and sends traffic to green with ONE patch that also carries its
  // record (the rollout builds that patch from greenMoves()).

  /// GETs the object; errors carry the API error's code.
  Result<boost::json::value> read();
  /// Where `object`, as read, sends traffic (classify with the object's name in front).
  Result<TrafficState> judge(const boost::json::value& object) const;
  /// The changes that move `object`, as read, to green: each with the value it must still
  /// have (tested in the patch) and the value it gets. kInvalidInput when this switch type
  /// has no forward move or the object cannot be understood.
  virtual Result<std::vector<BackendMove>> greenMoves(const boost::json::value& object) const;
  /// Applies a JSON patch to the object; a failed `test` is kConflict. Answers the object
  /// as patched.
  Result<boost::json::value> patch(const boost::json::array& ops);
  /// The object patched, and the client that reads and patches it (one call at a time).
  const kube::ObjectRef& ref() const { return target_.ref; }
  kube::Client& client() { return *client_; }
  /// "ingress production/api-ingress", for messages.
  std::string name() const;

  // The weighted switch (see WeightedSwitch): one JSON patch whose tests pin the object as
  // read; a failed test (422) is kConflict. Types that cannot weigh answer kInvalidInput.
  Result<GreenWeight> greenWeight() override;
  Result<std::string> setGreenWeight(std::int64_t expected, std::int64_t weight) override;
  Result<std::string> planGreenWeight(std::int64_t weight) override;
  /// The JSON patch rollback() would send now (without its annotations), for --dry-run;
  /// "" when traffic is already on blue. Errors as read() and classify.
  Result<std::string> planFlip();

 protected:
  /// Where `object` sends traffic. kUnknown with a detail when it points at neither side
  /// but could still be flipped; an Error when it cannot be understood or flipped at all
  /// (the rollback then answers kImpossible with that message).
  virtual Result<TrafficState> classify(const boost::json::value& object) const = 0;
  /// The operations (tests first) that move `object`, as read, to blue.
  virtual boost::json::array flipOps(const boost::json::value& object) const = 0;
  /// Green's weight in `object`, as read. The default: kInvalidInput, this type cannot weigh.
  virtual Result<GreenWeight> weightIn(const boost::json::value& object) const;
  /// The operations (tests of what was read first) that give green `weight` percent of
  /// traffic in `object`. The default: kInvalidInput, this type cannot weigh.
  virtual Result<boost::json::array> weightOps(const boost::json::value& object,
                                               std::int64_t weight) const;

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

/// The Kubernetes switch `config.type` names (kubernetes-ingress, gateway-httproute,
/// ingress-nginx-canary), built from the same settings as makeSwitch but without the blue
/// guard in front (its settings are validated and ignored): the rollout's forward move and
/// record store. Errors as makeSwitch; kInvalidInput for a type that is not a Kubernetes one.
Result<std::unique_ptr<KubeObjectSwitch>> makeKubeObjectSwitch(const SwitchConfig& config,
                                                               const Clock& clock, Random& random);

}  // namespace nova::traffic
