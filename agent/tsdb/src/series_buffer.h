#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "nova/core/sample.h"
#include "nova/core/time.h"

namespace nova::tsdb::detail {

/// One series' samples, ascending by timestamp. Trimming from the front only advances a
/// head offset; the dead prefix is compacted away once it is at least half the buffer, so
/// trimming is amortised O(1) per sample and the live samples stay one contiguous span.
class SeriesBuffer {
 public:
  /// Outcome of an append, so the caller can keep its sample count right.
  enum class Appended { kAdded, kReplaced };

  /// Appends in order; an older timestamp is inserted at its place, an equal one replaces.
  Appended append(TimestampMs t, double v);
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

  std::vector<Sample> samples_;
  std::size_t head_ = 0;
};

}  // namespace nova::tsdb::detail
