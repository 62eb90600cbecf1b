#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "nova/core/clock.h"
#include "nova/core/time.h"
#include "nova/dashboard/incident_range.h"

namespace nova::daemon::detail {

/// The dashboard document between the loop, which alone may read the store and so builds
/// it, and the HTTP thread, which serves it. A document younger than `maxAge` is served as
/// it is, so a flood of page refreshes costs one build per `maxAge`; an older one is asked
/// of the loop, and every request waiting meanwhile shares that one build. Nothing is built
/// while nobody asks. Waits are on `clock`'s monotonic time. Thread-safe.
class DashboardCache {
 public:
  /// `clock` must outlive the cache; `wake` interrupts the loop's wait.
  DashboardCache(const Clock& clock, std::function<void()> wake, DurationMs maxAge)
      : clock_(clock), wakeup_(clock), wake_(std::move(wake)), maxAge_(maxAge) {}

  /// HTTP side: a document no older than maxAge, asking the loop for a new one when there
  /// is none and waiting up to `timeout` ms for it; nullopt when none came in time.
  std::optional<std::string> get(DurationMs timeout);

  /// Loop side: true while a request waits for a new document.
  bool wanted();
  /// Loop side: the new document; wakes every request waiting for it.
  void publish(std::string document);

  /// HTTP side: a document with its charts over `range` (GET /v1/dashboard?from=&to=),
  /// built by the loop for this request and not kept; nullopt when none came within
  /// `timeout` ms. One range at a time: a request for another range while one waits
  /// replaces it, and the first then times out.
  std::optional<std::string> getRange(const dashboard::ChartRange& range, DurationMs timeout);
  /// Loop side: the range a request waits for, taken (nullopt when none).
  std::optional<dashboard::ChartRange> takeWantedRange();
  /// Loop side: the document for `range`; wakes the request waiting for it.
  void publishRange(const dashboard::ChartRange& range, std::string document);

 private:
  bool freshLocked() const;

  const Clock& clock_;
  Wakeup wakeup_;
  std::function<void()> wake_;
  const DurationMs maxAge_;
  std::optional<std::string> document_;
  MonoTime builtAt_;
  /// Counts published documents, so a waiter knows one came after it asked.
  std::uint64_t generation_ = 0;
  bool wanted_ = false;
  std::optional<dashboard::ChartRange> rangeWanted_;
  std::optional<std::pair<dashboard::ChartRange, std::string>> rangeDocument_;
  std::uint64_t rangeGeneration_ = 0;
};

}  // namespace nova::daemon::detail
