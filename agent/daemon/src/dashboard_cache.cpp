#include "dashboard_cache.h"

#include <mutex>

namespace nova::daemon::detail {

bool DashboardCache::freshLocked() const {
  return document_ && clock_.monoNow() - builtAt_ < maxAge_;
}

std::optional<std::string> DashboardCache::get(DurationMs timeout) {
  std::unique_lock lock(wakeup_.mutex());
  if (freshLocked()) {
    return document_;
  }
  const std::uint64_t asked = generation_;
  wanted_ = true;
  lock.unlock();
  wake_();
  lock.lock();
  if (!wakeup_.waitFor(lock, timeout, [&] { return generation_ > asked; })) {
    return std::nullopt;
  }
  return document_;
}

bool DashboardCache::wanted() {
  std::lock_guard lock(wakeup_.mutex());
  return wanted_;
}

void DashboardCache::publish(std::string document) {
  {
    std::lock_guard lock(wakeup_.mutex());
    document_ = std::move(document);
    builtAt_ = clock_.monoNow();
    ++generation_;
    wanted_ = false;
  }
  wakeup_.notifyAll();
}

}  // namespace nova::daemon::detail
