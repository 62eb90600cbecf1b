#pragma once

#include <cstddef>
#include <memory>

namespace nova::promql {

namespace detail {
class IncrementalImpl;
}

/// What one evaluation round leaves for the next over the same store, so that rules
/// evaluated at every tick do not read their whole windows again:
/// - the series each selector matches, kept while the store's layoutVersion() holds;
/// - for rate, increase, delta, min_over_time, max_over_time, quantile_over_time,
///   count_over_time, present_over_time and last_over_time over a range selector at the
///   query's own time, a running window per series (its samples
///   leaving and entering as the window slides: a monotonic queue of extremes, a sorted copy
///   of the values, the counter resets inside).
/// Results equal a from-scratch evaluation bit for bit: where running state cannot promise
/// that (a window holding NaN or -0 for a quantile, a counter reset inside a rate's window)
/// that series is computed from its samples. Everything is dropped when the store's layout
/// changes (a series created or dropped, a sample inserted out of order or replaced, clear());
/// a series' window is rebuilt when time goes backwards, when the window jumps past the
/// previous one, or when retention trimmed samples it still holds.
///
/// Pure: no clock, no I/O; it holds values and what it computed from them. Expressions are
/// recognised by their printed form, so a reloaded rule set reuses what still applies.
/// Memory: a sorted copy of the values of each quantile_over_time window (8 bytes a sample)
/// and the extremes queue of each min/max window. Not thread-safe; one round at a time.
class IncrementalState {
 public:
  IncrementalState();
  ~IncrementalState();
  IncrementalState(IncrementalState&&) noexcept;
  IncrementalState& operator=(IncrementalState&&) noexcept;
  IncrementalState(const IncrementalState&) = delete;
  IncrementalState& operator=(const IncrementalState&) = delete;

  /// Forgets every series list and window.
  void clear();
  /// Series windows moved forward from the previous round's.
  std::size_t windowsSlid() const;
  /// Series windows built from all their samples (first use, or invalidated).
  std::size_t windowsRebuilt() const;

 private:
  friend class Engine;
  std::unique_ptr<detail::IncrementalImpl> impl_;
};

}  // namespace nova::promql
