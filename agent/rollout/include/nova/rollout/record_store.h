#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "nova/core/clock.h"
#include "nova/core/result.h"
#include "nova/rollout/lease.h"
#include "nova/rollout/stop.h"
#include "nova/rollout/traffic_object.h"

namespace nova::rollout {

/// The rollout's only way to the record: it holds the lease (acquired, renewed by a thread
/// of its own every renewInterval, released at the end) and writes the record under it,
/// each write a compare-and-swap over a fresh read. Thread-safe: the renewal thread and the
/// engine share it. Must not outlive the traffic object or the clock.
class RecordStore {
 public:
  RecordStore(TrafficObject& object, const Clock& clock) : object_(object), clock_(clock) {}
  ~RecordStore();
  RecordStore(const RecordStore&) = delete;
  RecordStore& operator=(const RecordStore&) = delete;

  /// Acquires the lease for `request` (decideLease): waits (on `stop`) while another run of
  /// the same rollout, or a --take-over target, must be seen expiring. Errors: kRefused
  /// with who holds it, since when and in which phase; kInvalidInput for a bad
  /// --take-over; kUnavailable when a stop was requested while waiting. On success
  /// `resume()` says whether an unfinished record of this rollout id was found.
  Status acquire(const LeaseRequest& request, StopSource& stop);
  bool resume() const { return resume_; }

  /// Starts renewing the lease in the background until release() or destruction. A renewal
  /// that finds the lease taken sets lost().
  void startRenewing();
  bool lost();

  /// A fresh read of the traffic object.
  Result<TrafficRead> read();

  /// Writes `next` as the record (revision set by the patch). kConflict when the lease is no
  /// longer this run's.
  Status write(const Record& next);

  /// The switch to green: one compare-and-swap that moves traffic and writes `next`.
  Result<std::string> switchToGreen(const Record& next);

  /// Runs `use` on the traffic object under the store's lock, which the renewal thread
  /// takes too: every other call on the object (blue's readiness, its scale) goes here.
  template <typename Use>
  auto withObject(Use&& use) {
    std::lock_guard lock(mutex_);
    return use(object_);
  }

  /// Stops renewing and removes this run's lease (best effort: an expired lease is harmless).
  void release();

 private:
  Status renewLocked();

  TrafficObject& object_;
  const Clock& clock_;
  std::mutex mutex_;
  std::optional<Lease> held_;
  bool resume_ = false;
  bool lost_ = false;
  Wakeup renewWake_{clock_};
  bool stopRenewing_ = false;
  std::thread renewer_;
};

}  // namespace nova::rollout
