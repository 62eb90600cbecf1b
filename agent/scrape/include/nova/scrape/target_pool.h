#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nova/core/timeline.h"
#include "nova/scrape/prober.h"
#include "nova/scrape/targets.h"
#include "nova/tsdb/storage.h"

namespace nova::scrape {

/// How the pool turns a target's address into URLs, and its bounds.
struct PoolOptions {
  /// "http" or "https".
  std::string scheme = "http";
  /// Paths on each target; "" disables that kind (as an empty URL in TargetConfig).
  std::string healthPath = "/health";
  std::string metricsPath = "/metrics";
  /// Targets probed at most; further ones are refused (counted, logged) until room frees.
  std::size_t maxTargets = 50;
};

/// One target as /status shows it.
struct TargetStatus {
  std::string instance;
  std::string pod;
  /// The last scrape succeeded (false before the first one finishes).
  bool up = false;
  /// The last health probe passed; nullopt before the first one finishes.
  std::optional<bool> healthy;
  /// When the last scrape started (ms on the time line); 0 before the first.
  TimestampMs lastScrape = 0;
  /// Why the last scrape or probe failed; "" when both passed.
  std::string error;
  /// Series stored by the last scrape.
  std::size_t series = 0;
};

/// What one sync() changed.
struct SyncResult {
  std::vector<std::string> added;
  std::vector<std::string> removed;
  /// Targets beyond maxTargets, by instance.
  std::vector<std::string> refused;
};

struct PoolCounters {
  std::uint64_t added = 0;
  std::uint64_t removed = 0;
  std::uint64_t refused = 0;
  std::uint64_t syncs = 0;
};

/// The targets the agent watches: a Prober per target (own schedule, own labels, own
/// staleness tracking), all on one non-blocking HTTP client, so one poll() drives every
/// transfer. sync() makes the set what discovery says: new targets are probed at once,
/// removed ones are retired (stale markers at the removal for every series they wrote,
/// as Prometheus does for a vanished target; the store's sweep drops them later). Log
/// lines on add, remove and refusal ("targets: ...").
///
/// Not thread-safe: the agent's loop thread owns it (wakeup() excepted).
class TargetPool {
 public:
  /// `base` gives the intervals, timeouts, TLS settings and maxSeries every target uses
  /// (its URLs and labels are ignored). `storage` and `timeline` must outlive the pool.
  TargetPool(TargetConfig base, PoolOptions options, tsdb::Storage& storage,
             const Timeline& timeline);
  ~TargetPool();
  TargetPool(const TargetPool&) = delete;
  TargetPool& operator=(const TargetPool&) = delete;

  /// Makes the set `wanted` (the first maxTargets of them in instance order; the rest
  /// are refused). A target whose labels changed is replaced (its old series go stale).
  SyncResult sync(const std::vector<DiscoveredTarget>& wanted);

  /// Starts what is due on every target, drives the transfers for at most `maxWait` ms
  /// (less when something falls due sooner) and returns what completed, each event naming
  /// its instance.
  std::vector<ProbeEvent> poll(DurationMs maxWait);
  /// Makes a poll() in progress return early; safe to call from any thread.
  void wakeup();
  void setMetricFilter(const std::shared_ptr<const MetricNameFilter>& keep);
  /// When the next probe or scrape of any target is due (time-line ms).
  TimestampMs nextDue() const;

  std::size_t size() const;
  std::vector<TargetStatus> status() const;
  PoolCounters counters() const;
  /// Every target's prober counters and appender stats, summed.
  ProberCounters proberCounters() const;
  tsdb::ScrapeStats scrapeStats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nova::scrape
