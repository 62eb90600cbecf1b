#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nova/core/result.h"
#include "nova/core/time.h"
#include "nova/kube/lease.h"

namespace nova::kube {

/// client-go's leader-election timings (specs: kubernetes-discovery-lease.md §5), in ms.
struct ElectionTimings {
  /// How long a holder's lease lasts for the others, counted from when each of them saw it
  /// renewed. Written as whole seconds (rounded up).
  DurationMs leaseDuration = 15 * kSecond;
  /// A leader that has not renewed within this long stops leading: before any other
  /// candidate can judge its lease expired.
  DurationMs renewDeadline = 10 * kSecond;
  /// Between two rounds (a candidate's waits are jittered x1..x2.2).
  DurationMs retryPeriod = 2 * kSecond;
};

/// kInvalidInput unless leaseDuration > renewDeadline > 1.2 x retryPeriod > 0 (client-go's
/// rule: a leader must get several tries at renewing before it steps down, and must step
/// down before its lease runs out for the others).
Status checkTimings(const ElectionTimings& timings);

/// The write a round wants after reading the Lease.
struct LeaseWrite {
  enum class Kind { kCreate, kUpdate };
  Kind kind = Kind::kUpdate;
  LeaseRecord record;
  /// The precondition of an update: the resourceVersion read in this round.
  std::string resourceVersion;
  /// "acquire" (absent or released), "renew" (held by this candidate), "takeover" (another
  /// holder's lease expired), "release" (stepping down on a graceful stop).
  std::string_view purpose;
};

/// A change worth a log line, a counter and a line on /status.
struct LeadershipChange {
  enum class Kind {
    kAcquired,  ///< This candidate leads from now on.
    kLost,      ///< It stopped leading (renew deadline passed, another holder, release).
    kObserved,  ///< The Lease names a new holder that is not this candidate.
  };
  Kind kind = Kind::kObserved;
  std::string holder;
  std::string reason;
  /// leaseTransitions of the record this change came from.
  std::int64_t transitions = 0;
};

std::string_view toString(LeadershipChange::Kind kind);

/// What /status shows.
struct LeadershipView {
  std::string identity;
  /// The holder as last read or written ("" before the first read, or when released).
  std::string holder;
  bool leading = false;
  /// Wall ms when this candidate last became leader; nullopt while it never led.
  std::optional<TimestampMs> since;
  std::int64_t transitions = 0;
  /// Wall ms of this candidate's last successful write of the Lease.
  std::optional<TimestampMs> lastRenew;
  /// The last round's failure; "" after a round that succeeded.
  std::string error;
};

/// The client-go leader-election algorithm as a pure state machine: values and the clock
/// in, decisions out; the caller does the reads and writes (LeaseLock). One round: read the
/// Lease, pass it to observed(), carry out the write it asks for, report written() or
/// failed().
///
/// Clock skew: another holder's lease counts as expired only leaseDurationSeconds after
/// this process saw its record change (monotonic time, client-go's observedTime); the
/// holder's renewTime is never compared with the local clock. A leader's own lease counts
/// from when it *sent* the renewal that succeeded, the earliest any reader can have seen
/// it, so stepping down at renewDeadline happens before anyone else may take over.
/// Not thread-safe.
class LeaderElection {
 public:
  LeaderElection(std::string identity, ElectionTimings timings);

  /// The Lease as read at `mono` (wall time `wall` for the record's times); nullopt when it
  /// does not exist. Returns the write to attempt, or nullopt when another candidate holds
  /// a lease that has not expired.
  std::optional<LeaseWrite> observed(const std::optional<LeaseObject>& lease, MonoTime mono,
                                     TimestampMs wall);
  /// The write sent at `sentAt` succeeded; `answer` is the Lease the server returned.
  void written(const LeaseObject& answer, MonoTime sentAt);
  /// The round failed: the read, or the write (a 409 Conflict: another candidate wrote
  /// first). Leadership ends only by expire().
  void failed(std::string error, MonoTime mono);
  /// Stops leading once renewDeadline has passed since the last successful renewal.
  void expire(MonoTime mono);
  /// For a graceful stop: stops leading at once and returns the write that releases the
  /// Lease (holder "", leaseDurationSeconds 1) so another candidate need not wait out a
  /// whole lease; nullopt when this candidate does not hold it.
  std::optional<LeaseWrite> release(TimestampMs wall);

  /// Leading, and the renew deadline not passed at `mono`: the gate of every action.
  bool leading(MonoTime mono) const;
  /// While leading: when it ends without a renewal (last renewal + renewDeadline).
  std::optional<MonoTime> deadline() const;
  /// Changes since the last call, oldest first.
  std::vector<LeadershipChange> takeChanges();
  LeadershipView view() const;
  const ElectionTimings& timings() const { return timings_; }
  const std::string& identity() const { return identity_; }

 private:
  void stepDown(std::string reason);
  LeaseRecord ownRecord(TimestampMs wall) const;

  std::string identity_;
  ElectionTimings timings_;
  // The record last read or written, its resourceVersion and when this process saw it
  // change (monotonic).
  std::optional<LeaseRecord> observed_;
  std::string resourceVersion_;
  MonoTime observedAt_{};
  bool leading_ = false;
  MonoTime renewedAt_{};
  std::optional<TimestampMs> since_;
  std::optional<TimestampMs> lastRenew_;
  std::string error_;
  std::vector<LeadershipChange> changes_;
};

}  // namespace nova::kube
