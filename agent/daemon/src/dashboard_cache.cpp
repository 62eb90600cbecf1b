#include "dashboard_cache.h"

#include <mutex>
#include <utility>

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

std::optional<std::string> DashboardCache::getRange(const dashboard::ChartRange& range,
                                                    DurationMs timeout) {
  std::unique_lock lock(wakeup_.mutex());
  const std::uint64_t asked = rangeGeneration_;
  rangeWanted_ = range;
  lock.unlock();
  wake_();
  lock.lock();
  if (!wakeup_.waitFor(lock, timeout, [&] {
        return rangeGeneration_ > asked && rangeDocument_ && rangeDocument_->first == range;
      })) {
    return std::nullopt;
  }
  std::string document = std::move(rangeDocument_->second);
  rangeDocument_.reset();
  return document;
}

std::optional<dashboard::ChartRange> DashboardCache::takeWantedRange() {
  std::lock_guard lock(wakeup_.mutex());
  return std::exchange(rangeWanted_, std::nullopt);
}

void DashboardCache::publishRange(const dashboard::ChartRange& range, std::string document) {
  {
    std::lock_guard lock(wakeup_.mutex());
    rangeDocument_.emplace(range, std::move(document));
    ++rangeGeneration_;
  }
  wakeup_.notifyAll();
}

}  // namespace nova::daemon::detail
