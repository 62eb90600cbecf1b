#include "nova/rollout/stop.h"

#include <mutex>

namespace nova::rollout {

void StopSource::requestStop(std::string reason) {
  {
    std::lock_guard lock(wakeup_.mutex());
    if (!requested_) {
      requested_ = true;
      reason_ = std::move(reason);
    }
  }
  wakeup_.notifyAll();
}

bool StopSource::stopRequested() {
  std::lock_guard lock(wakeup_.mutex());
  return requested_;
}

std::string StopSource::reason() {
  std::lock_guard lock(wakeup_.mutex());
  return reason_;
}

bool StopSource::waitUntil(MonoTime deadline) {
  std::unique_lock lock(wakeup_.mutex());
  return wakeup_.waitUntil(lock, deadline, [this] { return requested_; });
}

bool StopSource::waitFor(DurationMs duration) {
  return waitUntil(wakeup_.clock().monoNow() + duration);
}

}  // namespace nova::rollout
