#include "nova/rollout/lease.h"

#include "nova/core/rfc3339.h"

namespace nova::rollout {
namespace {

std::string describeHolder(const Lease& lease, const std::optional<Record>& record) {
  std::string text = "rollout " + lease.holder + " holds the lease since " +
                     formatRfc3339(lease.acquiredAt, SubSecond::kNone) + " (run " + lease.instance +
                     (lease.who.empty() ? "" : " by " + lease.who) + ", last renewed " +
                     formatRfc3339(lease.renewedAt, SubSecond::kNone) + ")";
  if (record && record->rolloutId == lease.holder) {
    text += ", in phase " + std::string(phaseName(record->phase));
  }
  return text;
}

LeaseDecision refuse(ErrorCode code, std::string message) {
  LeaseDecision decision;
  decision.kind = LeaseDecision::Kind::kRefuse;
  decision.code = code;
  decision.message = std::move(message);
  return decision;
}

LeaseDecision wait(MonoTime until, std::string message) {
  LeaseDecision decision;
  decision.kind = LeaseDecision::Kind::kWait;
  decision.waitUntil = until;
  decision.message = std::move(message);
  return decision;
}

// Whose claim a --take-over must name: the live lease's holder, else the unfinished
// record's rollout.
std::optional<std::string> claimant(const LeaseObservation& seen,
                                    const std::optional<Record>& record, bool expired) {
  if (!expired && seen.lease) {
    return seen.lease->holder;
  }
  if (record && !isFinished(record->phase)) {
    return record->rolloutId;
  }
  return std::nullopt;
}

}  // namespace

LeaseObservation observeLease(const std::optional<LeaseObservation>& previous,
                              const std::optional<Lease>& read, MonoTime now) {
  if (previous && previous->lease == read) {
    return *previous;
  }
  return LeaseObservation{read, now};
}

bool leaseExpired(const LeaseObservation& seen, MonoTime now) {
  return !seen.lease || now - seen.since >= seen.lease->duration;
}

LeaseDecision decideLease(const LeaseObservation& seen, const std::optional<Record>& record,
                          const LeaseRequest& request, MonoTime now) {
  const bool expired = leaseExpired(seen, now);
  const std::optional<std::string> claim = claimant(seen, record, expired);
  const bool claimIsOurs = claim && *claim == request.rolloutId;
  if (request.takeOver && (!claim || claimIsOurs || *claim != *request.takeOver)) {
    return refuse(ErrorCode::kInvalidInput,
                  "--take-over " + *request.takeOver + ": " +
                      (claim ? (claimIsOurs ? "the unfinished rollout is this one (" + *claim +
                                                  "); run it again without --take-over"
                                            : "the lease and record belong to rollout " + *claim)
                             : std::string("no unfinished rollout holds the traffic object")));
  }
  if (seen.lease && !expired) {
    const Lease& lease = *seen.lease;
    if (lease.instance == request.instance) {
      LeaseDecision decision;
      decision.kind = LeaseDecision::Kind::kRenew;
      return decision;
    }
    const MonoTime expiry = seen.since + lease.duration;
    if (lease.holder == request.rolloutId) {
      return wait(expiry, "another run of rollout " + lease.holder + " (" + lease.instance +
                              ") held the lease at its last renewal; waiting until it expires");
    }
    if (request.takeOver) {
      return wait(expiry,
                  describeHolder(lease, record) + "; --take-over waits until the lease expires");
    }
    return refuse(ErrorCode::kRefused,
                  describeHolder(lease, record) + "; wait for it to finish, or stop it first");
  }
  LeaseDecision decision;
  decision.kind = LeaseDecision::Kind::kAcquire;
  if (record && !isFinished(record->phase)) {
    if (record->rolloutId == request.rolloutId) {
      decision.resume = true;
    } else if (request.takeOver) {
      decision.takeOver = true;
    } else {
      return refuse(ErrorCode::kRefused,
                    "rollout " + record->rolloutId + " is unfinished in phase " +
                        std::string(phaseName(record->phase)) +
                        " and its lease has expired; resume it with --rollout-id " +
                        record->rolloutId + ", or take over with --take-over " + record->rolloutId);
    }
  }
  return decision;
}

Lease acquireLease(const LeaseRequest& request, const std::optional<Lease>& previous,
                   TimestampMs now) {
  Lease lease;
  lease.holder = request.rolloutId;
  lease.instance = request.instance;
  lease.who = request.who;
  lease.acquiredAt = now;
  lease.renewedAt = now;
  lease.duration = request.duration;
  if (previous) {
    const bool changed = previous->holder != lease.holder || previous->instance != lease.instance;
    lease.transitions = previous->transitions + (changed ? 1 : 0);
  }
  return lease;
}

Lease renewLease(Lease lease, TimestampMs now) {
  lease.renewedAt = now;
  return lease;
}

DurationMs renewInterval(const Lease& lease) {
  return lease.duration / 3;
}

}  // namespace nova::rollout
