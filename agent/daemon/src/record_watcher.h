#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <thread>

#include "nova/core/clock.h"
#include "nova/core/random.h"
#include "nova/core/result.h"
#include "nova/daemon/arming.h"
#include "nova/rollout/traffic_object.h"
#include "nova/traffic/switch.h"

namespace nova::daemon::detail {

/// What a read of the traffic object says about its rollout. Pure. Green is live when the
/// record is past the switch (a switch time, a phase from switch on, not rolled back or
/// failed before the switch) and the object points at green; a lease without a record is a
/// rollout that has just started.
RolloutSighting sightingOf(const Result<rollout::TrafficRead>& read);

/// Reads the rollout record on the traffic object the agent guards (the nginx include's
/// record file, the Ingress's or HTTPRoute's annotations through its own Kubernetes
/// client) every `interval` on a thread of its own, so a slow API server never delays the
/// loop's probes and ticks; each read is bounded by the client's timeouts. The loop takes
/// the latest sighting. Thread-safe.
class RecordWatcher {
 public:
  /// The watcher for `config`'s switch; kInvalidInput for a switch type without a record.
  /// `clock` must outlive it.
  static Result<std::unique_ptr<RecordWatcher>> make(const traffic::SwitchConfig& config,
                                                     DurationMs interval, const Clock& clock);
  ~RecordWatcher();
  RecordWatcher(const RecordWatcher&) = delete;
  RecordWatcher& operator=(const RecordWatcher&) = delete;

  /// One read on the caller's thread (at start, before the first tick). Call before start().
  RolloutSighting readNow();
  /// Starts the background reads; `wake` interrupts the loop's wait after each read.
  void start(std::function<void()> wake);
  /// The latest read since the last take(), if any.
  std::optional<RolloutSighting> take();

 private:
  RecordWatcher(DurationMs interval, const Clock& clock) : interval_(interval), wakeup_(clock) {}
  void run();

  SystemRandom random_;
  std::unique_ptr<rollout::TrafficObject> object_;
  DurationMs interval_;
  std::function<void()> wake_;
  Wakeup wakeup_;
  std::optional<RolloutSighting> latest_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace nova::daemon::detail
