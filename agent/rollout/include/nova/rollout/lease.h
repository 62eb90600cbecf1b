#pragma once

#include <optional>
#include <string>

#include "nova/core/time.h"
#include "nova/rollout/record.h"

namespace nova::rollout {

/// The lock that stops two rollouts at once, kept beside the record and shaped like a
/// Kubernetes coordination.k8s.io Lease.
struct Lease {
  /// The rollout id holding the lease.
  std::string holder;
  /// The one run of novactl holding it ("host/pid/random"): two runs of the same rollout
  /// id are told apart by it.
  std::string instance;
  /// Who started that run (a CI job, a person), for messages.
  std::string who;
  TimestampMs acquiredAt = 0;
  TimestampMs renewedAt = 0;
  /// Valid this long after the last renewal an observer saw.
  DurationMs duration = 30 * kSecond;
  /// How many times the lease changed hands.
  std::int64_t transitions = 0;

  friend bool operator==(const Lease&, const Lease&) = default;
};

/// What this run knows of the lease: the lease as last read, and since when (on this run's
/// monotonic clock) it has looked exactly like that. As with Kubernetes Leases, expiry is
/// measured from this observation, never from the holder's own timestamps, so clock skew
/// between machines cannot expire a live lease.
struct LeaseObservation {
  std::optional<Lease> lease;
  MonoTime since;
};

/// The observation after reading `read` at `now`: it keeps `previous.since` when the lease
/// did not change (no renewal, no new holder), and starts over at `now` otherwise.
LeaseObservation observeLease(const std::optional<LeaseObservation>& previous,
                              const std::optional<Lease>& read, MonoTime now);

/// True when there is no lease, or it has not been renewed for its duration since it was
/// first observed in its current state.
bool leaseExpired(const LeaseObservation& seen, MonoTime now);

/// What this run asks for.
struct LeaseRequest {
  std::string rolloutId;
  std::string instance;
  std::string who;
  /// `--take-over ID`: the rollout id whose unfinished record (and expired lease) this run
  /// may take over. The run then starts its own rollout; it never acts on the other's
  /// behalf.
  std::optional<std::string> takeOver;
  DurationMs duration = 30 * kSecond;
};

/// The answer.
struct LeaseDecision {
  enum class Kind {
    kAcquire,  ///< Write a new lease for this run (leasePatch).
    kRenew,    ///< This run holds it: renew it.
    kWait,     ///< Read again at waitUntil: a lease must be seen expiring first.
    kRefuse,   ///< Stop; `message` says why, `code` is kRefused or kInvalidInput.
  };
  Kind kind = Kind::kRefuse;
  /// kAcquire over an unfinished record of the same rollout id: the run resumes it.
  bool resume = false;
  /// kAcquire over another rollout's unfinished record, as --take-over asked.
  bool takeOver = false;
  MonoTime waitUntil;
  ErrorCode code = ErrorCode::kRefused;
  std::string message;
};

/// Decides what to do about the lease. Pure. In short: a live lease of another rollout
/// refuses ("rollout X holds the lease since T ..., in phase P"); a live lease of another
/// run of the same rollout id, or one named by --take-over, is waited out (it must be seen
/// expiring); an expired lease over an unfinished record of another rollout refuses unless
/// --take-over names it; the same rollout id resumes; a --take-over naming anything else
/// is a usage error (kInvalidInput).
LeaseDecision decideLease(const LeaseObservation& seen, const std::optional<Record>& record,
                          const LeaseRequest& request, MonoTime now);

/// The lease this run writes on kAcquire at wall time `now` (transitions counts a change
/// of holder or instance from `previous`).
Lease acquireLease(const LeaseRequest& request, const std::optional<Lease>& previous,
                   TimestampMs now);

/// `lease` renewed at `now`.
Lease renewLease(Lease lease, TimestampMs now);

/// How often a holder renews: a third of the duration, so two renewals can fail before an
/// observer may see it expire.
DurationMs renewInterval(const Lease& lease);

}  // namespace nova::rollout
