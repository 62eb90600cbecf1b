// Subqueries: an instant-vector expression evaluated at the steps of a range, giving a
// range vector. The steps are the multiples of the subquery's step, so that the same
// subquery evaluated at neighbouring times shares its points, as in Prometheus.
#include <unordered_map>

#include "eval_context.h"

namespace nova::promql::detail {
namespace {

// The smallest multiple of `step` after `t` (step > 0).
TimestampMs firstMultipleAfter(TimestampMs t, DurationMs step) {
  TimestampMs q = t / step;
  if (t % step != 0 && t < 0) {
    --q;  // round toward minus infinity
  }
  return (q + 1) * step;
}

}  // namespace

Evaluator::Window Evaluator::subqueryWindow(const Subquery& sq, TimestampMs t) const {
  const TimestampMs to = atTime(sq.at, sq.atAnchor, t) - sq.offset;
  return Window{to - sq.range, to};
}

Result<EvalMatrix> Evaluator::evalSubquery(const Subquery& sq, TimestampMs t) {
  const Window window = subqueryWindow(sq, t);
  const DurationMs step = sq.step > 0 ? sq.step : options_.defaultSubqueryStep;
  EvalMatrix out;
  const TimestampMs first = firstMultipleAfter(window.from, step);
  if (first > window.to) {
    return out;
  }
  // Each step counts, up front: a long range at a fine step is refused before any work,
  // even over no data.
  if (auto st = charge(static_cast<std::size_t>((window.to - first) / step) + 1); !st) {
    return st.error();
  }
  std::unordered_map<Labels, std::size_t, LabelsHash> index;
  for (TimestampMs at = first; at <= window.to; at += step) {
    auto vec = evalVector(*sq.expr, at);
    if (!vec) {
      return vec.error();
    }
    if (auto st = charge(vec->size()); !st) {
      return st.error();
    }
    for (EvalSample& s : *vec) {
      auto [it, inserted] = index.try_emplace(s.labels, out.size());
      if (inserted) {
        out.push_back(EvalSeries{std::move(s.labels), {}, s.dropName});
      }
      EvalSeries& series = out[it->second];
      series.points.push_back(Sample{at, s.v});
      series.dropName = series.dropName || s.dropName;
    }
  }
  return out;
}

}  // namespace nova::promql::detail
