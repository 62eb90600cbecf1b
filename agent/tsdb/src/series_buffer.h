#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "nova/core/sample.h"
#include "nova/core/time.h"

namespace nova::tsdb::detail {

/// One series' samples, ascending by timestamp. Trimming from the front only advances a
/// head offset; the dead prefix is compacted away once it is at least half the buffer, or
/// an eighth of it when the buffer is full, so trimming is amortised O(1) per sample and the
/// live samples stay one contiguous span.
///
/// Growth: a buffer doubles while it fills, but never past its window (the samples its
/// series holds at most: retention over the scrape interval) plus an eighth, so a series
/// that holds its whole retention keeps about 1.13 times the memory its samples need, not
/// up to twice (doubling alone ends at the next power of two, and a full buffer with a dead
/// prefix under half doubled again: 2048 slots for the 901 samples of 15 minutes at 1 s).
/// A series that has held kSamplesToClaimWindow samples is taken to last: at its next growth
/// it claims its whole window at once, if the caller can spare the bytes. Every growth
/// touches the pages it allocates, so a steady series' memory is resident from its first
/// half minute instead of arriving in steps (and page faults) over the retention period;
/// series that churn within a few scrapes never claim a window they would not fill.
class SeriesBuffer {
 public:
  static constexpr std::size_t kSamplesToClaimWindow = 32;

  /// Outcome of an append, so the caller can keep its sample count right.
  enum class Appended { kAdded, kReplaced };

  /// Appends in order; an older timestamp is inserted at its place, an equal one replaces.
  /// `window`: the most samples the series is expected to hold, 0 when unknown (then the
  /// buffer grows by doubling alone). `claimableBytes`: how much a growth may take to claim
  /// the whole window at once (0: never).
  Appended append(TimestampMs t, double v, std::size_t window = 0, std::size_t claimableBytes = 0);
  /// Drops samples with a timestamp before `cutoff`; returns how many were dropped.
  std::size_t trimBefore(TimestampMs cutoff);
  /// Drops the `count` oldest samples (at most all of them).
  std::size_t dropOldest(std::size_t count);

  std::span<const Sample> live() const {
    return {samples_.data() + head_, samples_.size() - head_};
  }
  std::size_t size() const { return samples_.size() - head_; }
  bool empty() const { return size() == 0; }
  /// Bytes the buffer really holds, including spare capacity and the dead prefix.
  std::size_t allocatedBytes() const { return samples_.capacity() * sizeof(Sample); }

 private:
  void compactIfWorthIt();
  // The buffer is full: reclaims a dead prefix worth it, else reallocates (see growth).
  void makeRoom(std::size_t window, std::size_t claimableBytes);

  std::vector<Sample> samples_;
  std::size_t head_ = 0;
};

}  // namespace nova::tsdb::detail
