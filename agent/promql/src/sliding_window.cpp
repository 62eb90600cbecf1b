// Running windows of range functions: what leaves and enters a window that slides by a
// sample or a few per evaluation, giving the same bits as reading the whole window.
#include "sliding_window.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

#include "aggregate_param.h"
#include "eval_context.h"
#include "fn_range.h"

namespace nova::promql::detail {
namespace {

bool isMin(SlidingKind kind) {
  return kind == SlidingKind::kMinOverTime;
}

bool isExtreme(SlidingKind kind) {
  return kind == SlidingKind::kMinOverTime || kind == SlidingKind::kMaxOverTime;
}

bool isCounter(SlidingKind kind) {
  return kind == SlidingKind::kRate || kind == SlidingKind::kIncrease;
}

bool isRateLike(SlidingKind kind) {
  return isCounter(kind) || kind == SlidingKind::kDelta;
}

// NaN and -0 have no single place among the sorted values (NaN sorts first, -0 ties with
// +0), so a quantile over a window holding one is computed from the samples.
bool awkward(double v) {
  return std::isnan(v) || (v == 0 && std::signbit(v));
}

}  // namespace

std::optional<SlidingKind> slidingKindOf(std::string_view name) {
  static constexpr std::array<std::pair<std::string_view, SlidingKind>, 9> kKinds{{
      {"rate", SlidingKind::kRate},
      {"increase", SlidingKind::kIncrease},
      {"delta", SlidingKind::kDelta},
      {"min_over_time", SlidingKind::kMinOverTime},
      {"max_over_time", SlidingKind::kMaxOverTime},
      {"quantile_over_time", SlidingKind::kQuantileOverTime},
      {"count_over_time", SlidingKind::kCountOverTime},
      {"present_over_time", SlidingKind::kPresentOverTime},
      {"last_over_time", SlidingKind::kLastOverTime},
  }};
  for (const auto& [function, kind] : kKinds) {
    if (function == name) {
      return kind;
    }
  }
  return std::nullopt;
}

void SlidingWindow::reset() {
  held_ = 0;
  stale_ = 0;
  extremes_.clear();
  sorted_.clear();
  awkward_ = 0;
  resets_.clear();
  hasPrevious_ = false;
}

void SlidingWindow::enter(const Sample& s, SlidingKind kind) {
  ++held_;
  if (isStaleNaN(s.v)) {
    ++stale_;
    return;
  }
  if (isExtreme(kind)) {
    if (!std::isnan(s.v)) {
      // Strictly better only: of equal values the earliest stays ahead, as the scan keeps it.
      const bool min = isMin(kind);
      while (!extremes_.empty() && (min ? s.v < extremes_.back().v : s.v > extremes_.back().v)) {
        extremes_.pop_back();
      }
      extremes_.push_back(s);
    }
  } else if (kind == SlidingKind::kQuantileOverTime) {
    if (awkward(s.v)) {
      ++awkward_;
    } else {
      auto it = std::lower_bound(sorted_.begin(), sorted_.end(), s.v,
                                 [](const Occurrences& o, double v) { return o.v < v; });
      if (it != sorted_.end() && it->v == s.v) {
        ++it->n;
      } else {
        sorted_.insert(it, Occurrences{s.v, 1});
      }
    }
  } else if (isCounter(kind)) {
    if (hasPrevious_ && s.v < previous_) {
      resets_.push_back(previousT_);
    }
  }
  if (isRateLike(kind)) {
    hasPrevious_ = true;
    previous_ = s.v;
    previousT_ = s.t;
  }
}

void SlidingWindow::leave(const Sample& s, SlidingKind kind) {
  --held_;
  if (isStaleNaN(s.v)) {
    --stale_;
    return;
  }
  if (kind == SlidingKind::kQuantileOverTime) {
    if (awkward(s.v)) {
      --awkward_;
    } else {
      auto it = std::lower_bound(sorted_.begin(), sorted_.end(), s.v,
                                 [](const Occurrences& o, double v) { return o.v < v; });
      if (--it->n == 0) {
        sorted_.erase(it);
      }
    }
  }
}

bool SlidingWindow::slideTo(std::span<const Sample> samples, TimestampMs from, TimestampMs to,
                            SlidingKind kind) {
  const std::size_t size = samples.size();
  bool slides = built_ && to >= to_ && from >= from_ && from < to_;
  std::size_t frontier = size;  // the first sample not taken in yet
  if (slides) {
    // What came after the newest sample taken in was appended since: placed from the
    // newest samples (see firstAfter), and the held samples sit just before it unless
    // retention trimmed some of them. Only the newest samples and the window's ends are read.
    frontier = static_cast<std::size_t>(firstAfter(samples, enteredUntil_) - samples.data());
    slides = frontier >= held_ && (held_ == 0 || samples[frontier - held_].t == oldestHeld_);
  }
  std::size_t begin = 0;
  std::size_t end = 0;
  if (slides) {
    begin = frontier - held_;
    while (begin < frontier && samples[begin].t <= from) {
      leave(samples[begin++], kind);
    }
    end = frontier;
    if (begin == frontier) {
      while (end < size && samples[end].t <= from) {
        ++end;  // appended, but already out of the window
      }
      begin = end;
    }
  } else {
    reset();
    begin = static_cast<std::size_t>(firstAfter(samples, from) - samples.data());
    end = begin;
  }
  while (end < size && samples[end].t <= to) {
    enter(samples[end++], kind);
  }
  built_ = true;
  from_ = from;
  to_ = to;
  begin_ = begin;
  end_ = end;
  enteredUntil_ = end > 0 ? std::max(from, samples[end - 1].t) : from;
  if (held_ > 0) {
    oldestHeld_ = samples[begin].t;
  }
  // Candidates and resets that fell out of the window.
  while (!extremes_.empty() && extremes_.front().t <= from) {
    extremes_.pop_front();
  }
  while (!resets_.empty() && resets_.front() <= from) {
    resets_.pop_front();
  }
  return slides;
}

void SlidingWindow::prefetch(std::span<const Sample> samples) const {
  if (!samples.empty()) {
    __builtin_prefetch(&samples.back());
    if (held_ < samples.size()) {
      __builtin_prefetch(&samples[samples.size() - 1 - held_]);  // about where it starts
    }
  }
}

double SlidingWindow::quantile(double q, std::size_t n) const {
  const QuantileRanks ranks = quantileRanks(q, n);
  if (ranks.special) {
    return *ranks.special;
  }
  // The value at a rank: walk the counts of the distinct values.
  const auto at = [&](std::size_t rank) {
    for (const Occurrences& o : sorted_) {
      if (rank < o.n) {
        return o.v;
      }
      rank -= o.n;
    }
    return sorted_.back().v;
  };
  return at(ranks.lower) * (1 - ranks.weight) + at(ranks.upper) * ranks.weight;
}

const Sample* SlidingWindow::firstHeld(std::span<const Sample> samples) const {
  const Sample* p = samples.data() + begin_;
  while (isStaleNaN(p->v)) {
    ++p;
  }
  return p;
}

const Sample* SlidingWindow::lastHeld(std::span<const Sample> samples) const {
  const Sample* p = samples.data() + end_ - 1;
  while (isStaleNaN(p->v)) {
    --p;
  }
  return p;
}

std::optional<std::optional<double>> SlidingWindow::value(std::span<const Sample> samples,
                                                          SlidingKind kind, DurationMs range,
                                                          double param) const {
  const std::size_t n = count();
  if (n == 0) {
    return std::optional<double>{};
  }
  if (kind == SlidingKind::kCountOverTime) {
    return std::optional<double>{static_cast<double>(n)};
  }
  if (kind == SlidingKind::kPresentOverTime) {
    return std::optional<double>{1.0};
  }
  if (kind == SlidingKind::kLastOverTime) {
    return std::optional<double>{lastHeld(samples)->v};
  }
  if (isExtreme(kind)) {
    // Only NaN in the window: the scan leaves the last of them.
    return std::optional<double>{extremes_.empty() ? lastHeld(samples)->v : extremes_.front().v};
  }
  if (kind == SlidingKind::kQuantileOverTime) {
    if (awkward_ > 0) {
      return std::nullopt;
    }
    return std::optional<double>{quantile(param, n)};
  }
  if (n < 2) {
    return std::optional<double>{};
  }
  if (isCounter(kind) && !resets_.empty()) {
    return std::nullopt;  // the corrections add up in the scan's order
  }
  const Sample& first = *firstHeld(samples);
  const Sample& last = *lastHeld(samples);
  const RangeWindow bounds{{}, from_, to_, range, to_, param};
  return std::optional<double>{extrapolateToBounds(first, last, n, last.v - first.v, bounds,
                                                   isCounter(kind), kind == SlidingKind::kRate)};
}

}  // namespace nova::promql::detail
