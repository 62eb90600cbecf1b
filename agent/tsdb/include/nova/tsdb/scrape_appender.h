#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "nova/core/labels.h"
#include "nova/core/time.h"
#include "nova/tsdb/storage.h"

namespace nova::tsdb {

/// Counters of one target's appender, for the agent's /metrics.
struct ScrapeStats {
  std::uint64_t scrapes = 0;         // committed scrapes
  std::uint64_t failedScrapes = 0;   // calls to failed()
  std::uint64_t samples = 0;         // samples written by committed scrapes
  std::uint64_t staleMarkers = 0;    // stale NaNs written
  std::uint64_t refusedSamples = 0;  // samples whose series the Storage refused
  std::uint64_t refusedSeries = 0;   // series the Storage refused when first seen (or retried)
  std::uint64_t cacheOverflows = 0;  // samples dropped because the cache was full
  std::size_t cacheEntries = 0;      // current cache size
  std::size_t lastScrapeSeries = 0;  // series stored by the last committed scrape
};

/// What the Storage refused in the last committed scrape of a target, and the samples the
/// full key cache dropped (their series would be refused too: the cache holds as many keys
/// as the Storage holds series).
struct Refusals {
  /// Series refused (each counted once per scrape; beyond the key cache, each sample).
  std::size_t series = 0;
  /// Their metric names, sorted and unique, at most kMaxNames of them.
  std::vector<std::string> names;
  /// More names were refused than `names` holds: any name may be affected.
  bool truncated = false;

  static constexpr std::size_t kMaxNames = 64;
  bool any() const { return series > 0; }
};

/// Writes the scrapes of one target into a Storage and applies Prometheus's staleness rule:
/// a series present in the previous scrape and absent from this one gets a stale NaN at
/// this scrape's timestamp; when the target is down every series of the previous scrape
/// gets one.
///
/// Use per scrape: begin(t); add(...) for every sample; then commit(), or failed(t) when
/// the scrape or its parse failed. Samples are buffered until commit(), so a failed scrape
/// writes nothing but the stale markers (as Prometheus rolls the scrape back).
///
/// Fast path: add() takes the raw series text of the exposition line (for example
/// `http_requests_total{code="200"}`) and maps it to a cached SeriesId; only on a miss does
/// it call `makeLabels` and look the Labels up in the Storage. The cache holds the series
/// of the last scrape: entries not seen in a committed scrape are evicted after their stale
/// marker is written, and all are evicted by failed(). Refused series are cached too, so a
/// target over the series limit does not rebuild their labels every scrape; they are tried
/// again (labels rebuilt) once the Storage has dropped idle series since the refusal, so a
/// series refused at the limit is accepted as soon as there is room. A cached id whose
/// series the Storage dropped (its generation changed) is looked up afresh.
///
/// Explicit timestamps: a sample carrying its own exposition timestamp is stored at that
/// timestamp and is not staleness-tracked (no stale marker when it vanishes), as in
/// Prometheus. Two raw keys naming the same series are one series for staleness.
///
/// The appender holds SeriesIds: after Storage::clear() call reset(). Not thread-safe.
class ScrapeAppender {
 public:
  /// `storage` must outlive the appender. `maxCacheEntries` bounds the raw-key cache; 0
  /// means the storage's maxSeries. Samples of new keys beyond it are dropped and counted.
  explicit ScrapeAppender(Storage& storage, std::size_t maxCacheEntries = 0);
  ~ScrapeAppender();
  ScrapeAppender(const ScrapeAppender&) = delete;
  ScrapeAppender& operator=(const ScrapeAppender&) = delete;

  /// Starts a scrape taken at `t` (milliseconds). Discards anything pending.
  void begin(TimestampMs t);

  /// Adds one scraped sample at the scrape's timestamp. `makeLabels()` must return the
  /// series' Labels and is called only when `rawKey` is not cached. Returns false when the
  /// sample is dropped (series refused by the Storage, or cache full).
  template <typename MakeLabels>
  bool add(std::string_view rawKey, MakeLabels&& makeLabels, double v) {
    if (auto slot = lookup(rawKey)) {
      if (outdated(*slot)) {
        resolve(*slot, std::forward<MakeLabels>(makeLabels)());
      }
      return addCached(*slot, v, std::nullopt);
    }
    if (cacheFull()) {
      return overflow(rawKey);
    }
    return addNew(rawKey, std::forward<MakeLabels>(makeLabels)(), v, std::nullopt);
  }
  /// As above for a sample with an explicit exposition timestamp `t` (not stale-tracked).
  template <typename MakeLabels>
  bool add(std::string_view rawKey, MakeLabels&& makeLabels, double v, TimestampMs t) {
    if (auto slot = lookup(rawKey)) {
      if (outdated(*slot)) {
        resolve(*slot, std::forward<MakeLabels>(makeLabels)());
      }
      return addCached(*slot, v, t);
    }
    if (cacheFull()) {
      return overflow(rawKey);
    }
    return addNew(rawKey, std::forward<MakeLabels>(makeLabels)(), v, t);
  }

  /// Writes the pending samples, then stale markers for series of the previous scrape that
  /// were not added in this one, and evicts their cache entries.
  void commit();

  /// The scrape at `t` failed (target down, bad body): pending samples are discarded,
  /// every series of the last committed scrape gets a stale marker at `t`, and the cache is
  /// emptied. Needs no begin().
  void failed(TimestampMs t);

  /// Writes a synthetic series (`up`, `scrape_duration_seconds`, ...) directly, outside the
  /// scrape's staleness tracking. Returns false when the Storage refuses the series.
  bool appendSynthetic(const Labels& labels, TimestampMs t, double v);

  /// The target is gone for good: stale markers at `t` for every series of the last
  /// committed scrape and every synthetic series written through this appender.
  void markAllStale(TimestampMs t);

  /// Forgets every cached id and all tracking (after Storage::clear()).
  void reset();

  ScrapeStats stats() const;
  /// What the Storage refused in the last committed scrape (empty after failed()).
  const Refusals& lastRefusals() const;

 private:
  std::optional<std::uint32_t> lookup(std::string_view rawKey);
  // Checked before makeLabels() so a target beyond the bound costs no label building.
  bool cacheFull() const;
  bool overflow(std::string_view rawKey);
  // A refused entry worth retrying, or a cached id whose series the Storage dropped.
  bool outdated(std::uint32_t slot) const;
  void resolve(std::uint32_t slot, const Labels& labels);
  bool addCached(std::uint32_t slot, double v, std::optional<TimestampMs> t);
  bool addNew(std::string_view rawKey, const Labels& labels, double v,
              std::optional<TimestampMs> t);

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nova::tsdb
