#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "nova/core/sample.h"
#include "nova/core/time.h"

namespace nova::promql::detail {

/// The range functions whose windows can slide with running state.
enum class SlidingKind {
  kRate,
  kIncrease,
  kDelta,
  kMinOverTime,
  kMaxOverTime,
  kQuantileOverTime,
  kCountOverTime,
  kPresentOverTime,
  kLastOverTime,
};

/// The kind of the range function `name`, or nullopt when it has none.
std::optional<SlidingKind> slidingKindOf(std::string_view name);

/// A queue that pops at both ends and pushes at the back, in one vector: popped slots at
/// the front are reclaimed once they are half of it, so memory follows the live length.
template <typename T>
class SlidingQueue {
 public:
  bool empty() const { return head_ == items_.size(); }
  const T& front() const { return items_[head_]; }
  const T& back() const { return items_.back(); }
  void push_back(const T& item) { items_.push_back(item); }
  void pop_back() { items_.pop_back(); }
  void pop_front() {
    if (++head_ == items_.size()) {
      clear();
    } else if (head_ >= 16 && head_ * 2 >= items_.size()) {
      items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
      head_ = 0;
    }
  }
  void clear() {
    items_.clear();
    head_ = 0;
  }

 private:
  std::vector<T> items_;
  std::size_t head_ = 0;
};

/// One series' window (from, to] of one range function, carried from one evaluation to the
/// next: the samples leaving it are taken out of the running state and those entering it
/// put in, instead of reading the whole window again. Stale markers are skipped, as the
/// range functions skip them. The samples it has taken in must not change meanwhile (the
/// caller drops every window when the store's layout version changes); front trimming
/// and appends after its newest are noticed here. The samples leaving and entering are
/// found by walking from where the window was, never by searching the buffer.
class SlidingWindow {
 public:
  /// Moves the window to (from, to] over `samples` (the series' whole buffer), sliding
  /// when it can and rebuilding otherwise. Returns true when it slid.
  bool slideTo(std::span<const Sample> samples, TimestampMs from, TimestampMs to, SlidingKind kind);

  /// Asks the CPU for the samples slideTo() will read in `samples` (the newest, and about
  /// where the window starts), so that a loop over series does not stall on each.
  void prefetch(std::span<const Sample> samples) const;

  /// Samples in the window, stale markers not counted.
  std::size_t count() const { return held_ - stale_; }

  /// The function's value from the running state, as the from-scratch function computes
  /// it; nullopt (outer) when the state cannot promise the same bits, and the caller must
  /// compute it from the samples. `samples` is the buffer slideTo() last saw.
  std::optional<std::optional<double>> value(std::span<const Sample> samples, SlidingKind kind,
                                             DurationMs range, double param) const;

 private:
  void reset();
  void enter(const Sample& s, SlidingKind kind);
  void leave(const Sample& s, SlidingKind kind);
  /// quantileOf() the held values (n of them, none NaN or -0).
  double quantile(double q, std::size_t n) const;
  const Sample* firstHeld(std::span<const Sample> samples) const;
  const Sample* lastHeld(std::span<const Sample> samples) const;

  bool built_ = false;
  TimestampMs from_ = 0;
  TimestampMs to_ = 0;
  /// Every sample of the series up to this time has been taken in (or was outside).
  TimestampMs enteredUntil_ = 0;
  /// Timestamp of the oldest sample held, when held_ > 0: retention must not pass it.
  TimestampMs oldestHeld_ = 0;
  /// Where the window lies in the buffer slideTo() last saw, valid until it changes.
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  std::size_t held_ = 0;
  std::size_t stale_ = 0;
  // min/max: candidates, best first; ties keep the earliest, as the scan does.
  SlidingQueue<Sample> extremes_;
  // quantile: the distinct values, ascending, each with how often it occurs (a gauge's
  // window repeats values, so this stays short and an update moves little); NaN and -0 are
  // only counted, since their place among the sorted values is not unique.
  struct Occurrences {
    double v;
    std::size_t n;
  };
  std::vector<Occurrences> sorted_;
  std::size_t awkward_ = 0;
  // rate, increase: the time of the earlier sample of each counter reset inside.
  SlidingQueue<TimestampMs> resets_;
  bool hasPrevious_ = false;
  double previous_ = 0;
  TimestampMs previousT_ = 0;
};

}  // namespace nova::promql::detail
