#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "nova/core/labels.h"
#include "nova/core/sample.h"
#include "nova/core/time.h"

namespace nova::tsdb {

/// Dense handle of a series inside one Storage. Valid while the series lives; the id of a
/// dropped idle series is given to a later new series, with a new generation().
using SeriesId = std::uint32_t;

/// Bounds that keep the store's memory fixed however hostile the target is.
struct Limits {
  /// Samples older than (newest appended timestamp - retention) are dropped. 0 keeps all
  /// (for replaying test data).
  DurationMs retention = 15 * kMinute;
  /// New series beyond this count are refused; existing ones keep receiving samples.
  std::size_t maxSeries = 100'000;
  /// Approximate bytes for labels and samples together; new series are refused beyond it.
  std::size_t maxBytes = std::size_t{256} << 20;
};

/// Counters describing the store, for the agent's own /metrics.
struct Stats {
  std::size_t series = 0;
  std::size_t samples = 0;
  std::size_t bytes = 0;
  std::uint64_t rejectedSeries = 0;
  std::uint64_t rejectedSamples = 0;
  /// Series dropped because retention left them no sample (see Storage).
  std::uint64_t droppedSeries = 0;
  /// Samples dropped from the front of a series to stay within Limits::maxBytes.
  std::uint64_t evictedSamples = 0;
};

/// In-memory short-term store: one time-ordered sample buffer per series, with retention.
/// Not thread-safe; the agent owns it from one thread.
///
/// Retention: the cutoff is (newest timestamp appended to any series - retention). Samples
/// before it are trimmed from a series when it is appended to, and from idle series by a
/// sweep every retention/30 (30 s for the default); an append before the cutoff is refused
/// and counted in Stats::rejectedSamples.
///
/// Idle series are dropped, as Prometheus's head garbage collection drops series without
/// samples: a series that stopped being scraped goes stale (no instant selector sees it
/// after the 5 min lookback) and is dropped by the first sweep that finds none of its
/// samples left inside retention (the lookback plus a grace that covers the longest range
/// a rule may read, 15 min in all by default), so no query answer changes. Its labels,
/// samples and index entries are freed, Stats::droppedSeries counts it, and its slot and
/// SeriesId go to the next new series, so churning labels cannot fill the store: a new
/// series refused at the series limit is accepted once older ones have been dropped. A
/// series created without samples yet is kept for a full retention period. With
/// retention 0 nothing is trimmed or dropped.
///
/// Memory: Stats::bytes counts label bytes, index overhead and allocated sample capacity.
/// New series are refused once maxSeries or maxBytes would be exceeded. While bytes exceed
/// maxBytes, a series appended to keeps at most its even share (maxBytes / series count) of
/// samples: its oldest are dropped and counted in Stats::evictedSamples. Allocated capacity
/// can reach about twice maxBytes in that state (vector growth), never more. While bytes are
/// under half of maxBytes, a series that has held 32 samples claims its whole retention
/// window (plus an eighth) at its next growth, so a steady series' memory is resident, and
/// counted, from its first half minute on rather than growing over the retention period.
class Storage {
 public:
  explicit Storage(Limits limits = {});
  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  /// The id of the series with exactly these labels, creating it if needed. nullopt when a
  /// limit refuses a new series (counted in Stats::rejectedSeries).
  std::optional<SeriesId> getOrCreate(const Labels& labels);
  /// The id of an existing series.
  std::optional<SeriesId> find(const Labels& labels) const;

  /// Changes each time `id` is given to a new series; holders of ids across appends (caches)
  /// compare it to notice that their series was dropped.
  std::uint32_t generation(SeriesId id) const;

  /// Appends a sample. A timestamp older than the series' newest is inserted in order; an
  /// equal timestamp replaces the value. A stale NaN is stored like any other value. A
  /// sample for a dropped id is refused and counted in Stats::rejectedSamples.
  void append(SeriesId id, TimestampMs t, double v);

  /// The series' labels; empty for a dropped id.
  const Labels& labels(SeriesId id) const;
  /// All samples of a series, ascending by timestamp, contiguous; empty for a dropped id.
  std::span<const Sample> samples(SeriesId id) const;
  /// Series whose metric name is `name` (an index, so selectors with a name are cheap).
  std::span<const SeriesId> seriesWithName(std::string_view name) const;
  /// Calls `fn` for every live series.
  void forEachSeries(const std::function<void(SeriesId, const Labels&)>& fn) const;

  Stats stats() const;
  const Limits& limits() const;
  /// The bound (exclusive) of SeriesIds: live series plus the slots of dropped ones waiting
  /// for reuse (Stats::series counts the live ones).
  std::size_t seriesCount() const;
  /// Changes on every change to the store other than appending a sample newer than its
  /// series' newest and dropping a series' oldest samples: a series created or dropped,
  /// clear(), a sample inserted before its series' newest or replacing a value. Unique in
  /// the process (never shown by another Storage), so a holder of series lists or of
  /// running windows over the samples compares one number to know they still hold.
  std::uint64_t layoutVersion() const;
  /// The newest timestamp ever appended (the retention reference), nullopt when empty.
  std::optional<TimestampMs> newestTimestamp() const;
  /// Drops every series (promqltest `clear`) and invalidates every SeriesId. The counters
  /// rejectedSeries, rejectedSamples and evictedSamples keep counting.
  void clear();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nova::tsdb
