#include "series_buffer.h"

#include <algorithm>
#include <iterator>

namespace nova::tsdb::detail {

namespace {

// Below this many dead samples compaction is not worth a memmove.
constexpr std::size_t kMinDeadToCompact = 32;
// The smallest buffer allocated for a series.
constexpr std::size_t kMinCapacity = 4;

bool earlier(const Sample& s, TimestampMs t) {
  return s.t < t;
}

}  // namespace

SeriesBuffer::Appended SeriesBuffer::append(TimestampMs t, double v, std::size_t window,
                                            std::size_t claimableBytes) {
  // Scrapes arrive in order, so the common case is a plain push_back.
  if (empty() || samples_.back().t < t) {
    if (samples_.size() == samples_.capacity()) {
      makeRoom(window, claimableBytes);
    }
    samples_.push_back({t, v});
    return Appended::kAdded;
  }
  auto first = samples_.begin() + static_cast<std::ptrdiff_t>(head_);
  auto it = std::lower_bound(first, samples_.end(), t, earlier);
  if (it != samples_.end() && it->t == t) {
    it->v = v;
    return Appended::kReplaced;
  }
  samples_.insert(it, {t, v});
  return Appended::kAdded;
}

std::size_t SeriesBuffer::trimBefore(TimestampMs cutoff) {
  if (empty() || samples_[head_].t >= cutoff) {
    return 0;  // the common case on every append: nothing has expired
  }
  auto first = samples_.begin() + static_cast<std::ptrdiff_t>(head_);
  auto it = std::lower_bound(first, samples_.end(), cutoff, earlier);
  auto dropped = static_cast<std::size_t>(std::distance(first, it));
  head_ += dropped;
  compactIfWorthIt();
  return dropped;
}

std::size_t SeriesBuffer::dropOldest(std::size_t count) {
  std::size_t dropped = std::min(count, size());
  head_ += dropped;
  compactIfWorthIt();
  return dropped;
}

void SeriesBuffer::makeRoom(std::size_t window, std::size_t claimableBytes) {
  // A dead prefix of an eighth of the buffer or more: moving the live samples costs at most
  // eight copies per sample appended since the last time, and no memory.
  if (head_ > 0 && head_ * 8 >= samples_.size()) {
    samples_.erase(samples_.begin(), samples_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
    return;
  }
  const std::size_t live = size();
  std::size_t capacity = std::max(2 * live, kMinCapacity);
  // An eighth spare above the window, so a full buffer at steady state has a dead prefix
  // worth reclaiming. A series holding more than its window (the interval changed) doubles.
  const std::size_t roomy = window + window / 8 + 1;
  const bool claims = live >= kSamplesToClaimWindow && roomy * sizeof(Sample) <= claimableBytes;
  if (window > 0 && roomy > live && (roomy < capacity || claims)) {
    capacity = roomy;
  }
  std::vector<Sample> grown;
  grown.reserve(capacity);
  // Written once, then emptied: the pages are resident now, not one per 256 samples later.
  grown.resize(capacity);
  grown.clear();
  grown.insert(grown.end(), samples_.begin() + static_cast<std::ptrdiff_t>(head_), samples_.end());
  samples_.swap(grown);
  head_ = 0;
}

void SeriesBuffer::compactIfWorthIt() {
  if (head_ == samples_.size()) {
    // Everything is dead: release the memory of a series that stopped reporting.
    samples_.clear();
    samples_.shrink_to_fit();
    head_ = 0;
    return;
  }
  if (head_ < kMinDeadToCompact || head_ * 2 < samples_.size()) {
    return;
  }
  samples_.erase(samples_.begin(), samples_.begin() + static_cast<std::ptrdiff_t>(head_));
  head_ = 0;
  // A buffer that shrank for good (retention or byte pressure) gives memory back; the
  // copy is paid for by the many trims that led here.
  if (samples_.capacity() > 4 * samples_.size() && samples_.capacity() > 2 * kMinDeadToCompact) {
    samples_.shrink_to_fit();
  }
}

}  // namespace nova::tsdb::detail
