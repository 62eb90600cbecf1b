// Vector and range selectors over the store: matching series, the lookback window and
// staleness.
#include <algorithm>
#include <string>

#include "eval_context.h"
#include "incremental_impl.h"

namespace nova::promql::detail {
namespace {

bool matchesAll(const Labels& labels, const std::vector<Matcher>& matchers) {
  for (const auto& m : matchers) {
    if (!m.matches(labels.get(m.name()))) {
      return false;
    }
  }
  return true;
}

// The metric name a selector pins down exactly, if any, for the store's name index.
std::string_view exactName(const VectorSelector& selector) {
  if (!selector.name.empty()) {
    return selector.name;
  }
  for (const auto& m : selector.matchers) {
    if (m.name() == kMetricNameLabel && m.op() == MatchOp::kEqual && !m.value().empty()) {
      return m.value();
    }
  }
  return {};
}

// Walks from the guess `p` to the first sample after t in a few steps; null when they do not
// reach it. Requires samples.back().t > t.
const Sample* walkToFirstAfter(std::span<const Sample> samples, const Sample* p, TimestampMs t) {
  constexpr int kMaxWalk = 4;
  const Sample* begin = samples.data();
  for (int step = 0; step < kMaxWalk; ++step) {
    if (p->t > t) {
      if (p == begin || (p - 1)->t <= t) {
        return p;
      }
      --p;
    } else {
      // p->t <= t < back().t, so p is not the last.
      if ((p + 1)->t > t) {
        return p + 1;
      }
      ++p;
    }
  }
  return nullptr;
}

// The first sample after t, placed by the spacing of the two newest samples, or null. Windows
// end near the newest samples, so this reads only lines a scrape has just written, where
// the average spacing over the whole buffer would first read its oldest sample, long out of
// the cache. Requires samples.size() >= 2 and samples.back().t > t.
const Sample* firstAfterNearNewest(std::span<const Sample> samples, TimestampMs t) {
  const Sample* last = samples.data() + samples.size() - 1;
  const TimestampMs spacing = last->t - (last - 1)->t;
  if (spacing <= 0) {
    return nullptr;
  }
  const auto back = static_cast<std::ptrdiff_t>((last->t - t) / spacing);
  return walkToFirstAfter(samples, last - std::min<std::ptrdiff_t>(back, last - samples.data()), t);
}

}  // namespace

// First sample with timestamp > t. Scrapes are nearly evenly spaced, so the position is
// first guessed from the spacing of the newest samples, then from the average spacing, and
// corrected by a short walk; irregular data falls back to binary search. Queries mostly
// look at the newest samples, which this finds in a probe or two instead of a dozen cache
// misses.
const Sample* firstAfter(std::span<const Sample> samples, TimestampMs t) {
  const Sample* begin = samples.data();
  const Sample* end = begin + samples.size();
  if (samples.empty() || samples.back().t <= t) {
    return end;
  }
  if (samples.size() >= 2) {
    if (const Sample* p = firstAfterNearNewest(samples, t)) {
      return p;
    }
  }
  if (samples.front().t > t) {
    return begin;
  }
  // Here front().t <= t < back().t, so size >= 2 and the span is positive.
  const auto n = static_cast<std::ptrdiff_t>(samples.size());
  const double spacing =
      static_cast<double>(samples.back().t - samples.front().t) / static_cast<double>(n - 1);
  auto guess = static_cast<std::ptrdiff_t>(static_cast<double>(t - samples.front().t) / spacing);
  guess = std::clamp<std::ptrdiff_t>(guess, 0, n - 1);
  if (const Sample* p = walkToFirstAfter(samples, begin + guess, t)) {
    return p;
  }
  return std::upper_bound(begin, end, t,
                          [](TimestampMs value, const Sample& s) { return value < s.t; });
}

TimestampMs Evaluator::atTime(const std::optional<TimestampMs>& at, AtAnchor anchor,
                              TimestampMs t) const {
  if (at) {
    return *at;
  }
  if (anchor == AtAnchor::kStart) {
    return window_.start;
  }
  if (anchor == AtAnchor::kEnd) {
    return window_.end;
  }
  return t;
}

TimestampMs Evaluator::selectorTime(const VectorSelector& selector, TimestampMs t) const {
  return atTime(selector.at, selector.atAnchor, t) - selector.offset;
}

void Evaluator::annotate(Annotation annotation) {
  if (annotating_) {
    annotations_.push_back(std::move(annotation));
  }
}

const Expr& unwrapParens(const Expr& expr) {
  const Expr* e = &expr;
  while (const auto* paren = std::get_if<Paren>(&e->node)) {
    e = paren->expr.get();
  }
  return *e;
}

const std::vector<tsdb::SeriesId>& Evaluator::matchingSeries(const VectorSelector& selector) {
  auto it = seriesCache_.find(&selector);
  if (it != seriesCache_.end()) {
    return it->second;
  }
  if (incremental_ != nullptr) {
    // Lists live in the incremental state's map, whose elements stay where they are.
    if (const auto* kept = incremental_->findSeries(selector)) {
      return *kept;
    }
  }
  std::vector<tsdb::SeriesId> ids;
  const std::string_view name = exactName(selector);
  if (!name.empty()) {
    for (tsdb::SeriesId id : storage_.seriesWithName(name)) {
      if (matchesAll(storage_.labels(id), selector.matchers)) {
        ids.push_back(id);
      }
    }
  } else {
    storage_.forEachSeries([&](tsdb::SeriesId id, const Labels& labels) {
      if (matchesAll(labels, selector.matchers)) {
        ids.push_back(id);
      }
    });
  }
  if (incremental_ != nullptr) {
    return incremental_->storeSeries(selector, std::move(ids));
  }
  return seriesCache_.emplace(&selector, std::move(ids)).first->second;
}

namespace {
constexpr std::size_t kPrefetchBytes = 1024;
constexpr std::size_t kCacheLine = 64;
}  // namespace

void Evaluator::prefetchSeries(const std::vector<tsdb::SeriesId>& ids, std::size_t index) const {
  if (index >= ids.size()) {
    return;
  }
  const auto samples = storage_.samples(ids[index]);
  if (!samples.empty()) {
    // The first and last samples decide where a lookup starts; they are cold otherwise.
    // The newest kilobyte holds the windows of the common [1m] ranges at 1s scrapes.
    __builtin_prefetch(samples.data());
    const char* first = reinterpret_cast<const char*>(samples.data());
    const std::size_t bytes = samples.size_bytes();
    for (std::size_t back = 1; back <= kPrefetchBytes && back <= bytes; back += kCacheLine) {
      __builtin_prefetch(first + (bytes - back));
    }
  }
}

Error tooManySamples(std::size_t limit) {
  return Error{ErrorCode::kRefused,
               "query processing would load too many samples into memory in query execution "
               "(the limit is " +
                   std::to_string(limit) + " samples per query)"};
}

Status Evaluator::charge(std::size_t samples) {
  samplesInUse_ += samples;
  if (samplesInUse_ > options_.maxSamples) {
    return tooManySamples(options_.maxSamples);
  }
  return {};
}

Status Evaluator::streamInstant(const VectorSelector& selector, TimestampMs t,
                                const InstantSink& sink) {
  const TimestampMs at = selectorTime(selector, t);
  const TimestampMs oldest = at - options_.lookbackDelta;  // excluded
  std::size_t added = 0;
  const auto& ids = matchingSeries(selector);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    prefetchSeries(ids, i + kPrefetchDistance);
    const tsdb::SeriesId id = ids[i];
    const auto samples = storage_.samples(id);
    const Sample* after = firstAfter(samples, at);
    if (after == samples.data()) {
      continue;
    }
    const Sample& newest = *(after - 1);
    // A stale marker as the newest sample means the series has ended.
    if (newest.t <= oldest || isStaleNaN(newest.v)) {
      continue;
    }
    sink(storage_.labels(id), newest);
    ++added;
  }
  return charge(added);
}

Status Evaluator::selectInstant(const VectorSelector& selector, TimestampMs t, EvalVector& out,
                                std::vector<TimestampMs>* sampleTimes) {
  return streamInstant(selector, t, [&](const Labels& labels, const Sample& newest) {
    out.push_back(EvalSample{labels, newest.v, false});
    if (sampleTimes != nullptr) {
      sampleTimes->push_back(newest.t);
    }
  });
}

std::span<const Sample> Evaluator::rangePoints(tsdb::SeriesId id, TimestampMs from, TimestampMs to,
                                               std::vector<Sample>& buffer) const {
  const auto samples = storage_.samples(id);
  const Sample* begin = firstAfter(samples, from);
  const Sample* end = firstAfter(samples, to);
  // Stale markers are rare and windows long: a branch-free scan first.
  unsigned anyStale = 0;
  for (const Sample* s = begin; s < end; ++s) {
    anyStale |= static_cast<unsigned>(isStaleNaN(s->v));
  }
  if (anyStale == 0) {
    return {begin, end};
  }
  const Sample* stale = std::find_if(begin, end, [](const Sample& s) { return isStaleNaN(s.v); });
  // Rare: copy the window without its stale markers.
  buffer.assign(begin, stale);
  for (const Sample* s = stale; s < end; ++s) {
    if (!isStaleNaN(s->v)) {
      buffer.push_back(*s);
    }
  }
  return buffer;
}

Result<EvalValue> Evaluator::evalMatrixSelector(const MatrixSelector& sel, TimestampMs t) {
  const TimestampMs to = selectorTime(sel.selector, t);
  const TimestampMs from = to - sel.range;
  EvalMatrix out;
  std::vector<Sample> buffer;
  for (tsdb::SeriesId id : matchingSeries(sel.selector)) {
    const auto points = rangePoints(id, from, to, buffer);
    if (points.empty()) {
      continue;
    }
    if (auto st = charge(points.size()); !st) {
      return st.error();
    }
    out.push_back(EvalSeries{storage_.labels(id), {points.begin(), points.end()}, false});
  }
  return EvalValue{std::move(out)};
}

}  // namespace nova::promql::detail
