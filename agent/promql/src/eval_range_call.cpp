// Calls of functions over range vectors: rate, *_over_time and the others over a range
// selector (streamed series by series from the store) or over a subquery.
#include <string>
#include <vector>

#include "annotation_messages.h"
#include "eval_call.h"
#include "fn_range.h"
#include "incremental_impl.h"

namespace nova::promql::detail {
namespace {

// Prometheus's annotations on a range-vector function, told each series it produced for.
class RangeAnnotator {
 public:
  RangeAnnotator(Evaluator& ev, const RangeFunctionInfo& info, const Call& call, double param)
      : ev_(ev),
        call_(call),
        counterCheck_(ev.annotating() && (info.name == "rate" || info.name == "increase")),
        quantileCheck_(ev.annotating() && info.name == "quantile_over_time" &&
                       !(param >= 0 && param <= 1)),
        param_(param) {}

  void produced(const Labels& labels) {
    if (quantileCheck_) {
      ev_.annotate(invalidQuantileWarning(param_, unwrapParens(*call_.args[0]).pos));
      quantileCheck_ = false;
    }
    if (!counterCheck_) {
      return;
    }
    // Series of one selector mostly share a name: check each name once in a row.
    const std::string_view name = labels.metricName();
    if (name.empty() || name == lastName_) {
      return;
    }
    lastName_ = name;
    if (!name.ends_with("_total") && !name.ends_with("_sum") && !name.ends_with("_count") &&
        !name.ends_with("_bucket")) {
      ev_.annotate(possibleNonCounterInfo(name, unwrapParens(*call_.args[0]).pos));
    }
  }

 private:
  Evaluator& ev_;
  const Call& call_;
  bool counterCheck_;
  bool quantileCheck_;
  double param_;
  std::string lastName_;
};

// The same function over the series a subquery computes, in the subquery's window.
Status streamOverSubquery(Evaluator& ev, const RangeFunctionInfo& info, const Subquery& sq,
                          TimestampMs t, double param, RangeAnnotator& annotator,
                          const RangeSink& sink) {
  auto matrix = ev.evalSubquery(sq, t);
  if (!matrix) {
    return matrix.error();
  }
  const Evaluator::Window window = ev.subqueryWindow(sq, t);
  for (const EvalSeries& series : *matrix) {
    const RangeWindow w{series.points, window.from, window.to, sq.range, t, param};
    if (auto value = info.fn(w)) {
      annotator.produced(series.labels);
      sink(series.labels, *value, !info.keepsName || series.dropName);
    }
  }
  return {};
}

// The function over a range selector, with each series' window carried over from the
// previous round and moved to this one; a series whose running state cannot give the exact
// bits is computed from its samples.
Status streamSliding(Evaluator& ev, IncrementalImpl& incremental, SlidingKind kind,
                     const RangeFunctionInfo& info, const MatrixSelector& ms, TimestampMs t,
                     double param, RangeAnnotator& annotator, const RangeSink& sink) {
  const TimestampMs to = ev.selectorTime(ms.selector, t);
  const TimestampMs from = to - ms.range;
  std::vector<Sample> buffer;
  const auto& ids = ev.matchingSeries(ms.selector);
  std::vector<SlidingWindow>& windows = incremental.windows(info.name, ms, ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (const std::size_t ahead = i + kPrefetchDistance; ahead < ids.size()) {
      windows[ahead].prefetch(ev.storage().samples(ids[ahead]));
    }
    const tsdb::SeriesId id = ids[i];
    const auto samples = ev.storage().samples(id);
    SlidingWindow& window = windows[i];
    incremental.counted(window.slideTo(samples, from, to, kind));
    const std::size_t count = window.count();
    if (count == 0) {
      continue;
    }
    if (auto st = ev.charge(count); !st) {
      return st.error();
    }
    std::optional<double> value;
    if (auto running = window.value(samples, kind, ms.range, param)) {
      value = *running;
    } else {
      const RangeWindow scratch{ev.rangePoints(id, from, to, buffer), from, to, ms.range, t, param};
      value = info.fn(scratch);
    }
    if (value) {
      const Labels& labels = ev.storage().labels(id);
      annotator.produced(labels);
      sink(labels, *value, !info.keepsName);
    }
  }
  return {};
}

// Whether the selector reads a window that slides with the evaluation time in the subset.
bool slidable(const MatrixSelector& ms) {
  return ms.selector.rangeModifier == RangeModifier::kNone && ms.selector.offsetExpr.empty();
}

}  // namespace

Status streamRangeFunction(Evaluator& ev, const RangeFunctionInfo& info, const Call& call,
                           TimestampMs t, const RangeSink& sink) {
  const auto matrixIndex = static_cast<std::size_t>(info.matrixArg);
  if (call.args.size() <= matrixIndex) {
    return Error{ErrorCode::kInternal, "function " + call.function + " needs a range vector"};
  }
  const Expr& rangeArg = unwrapParens(*call.args[matrixIndex]);
  double param = 0;
  for (std::size_t i = 0; i < call.args.size(); ++i) {
    if (i != matrixIndex) {
      auto v = ev.evalScalar(*call.args[i], t);
      if (!v) {
        return v.error();
      }
      param = *v;
    }
  }
  RangeAnnotator annotator(ev, info, call, param);
  if (const auto* sq = std::get_if<Subquery>(&rangeArg.node)) {
    return streamOverSubquery(ev, info, *sq, t, param, annotator, sink);
  }
  const auto* ms = std::get_if<MatrixSelector>(&rangeArg.node);
  if (ms == nullptr) {
    return Error{ErrorCode::kInternal, "function " + call.function + " needs a range vector"};
  }
  if (IncrementalImpl* incremental = ev.incrementalAt(t); incremental != nullptr && slidable(*ms)) {
    if (const auto kind = slidingKindOf(info.name)) {
      return streamSliding(ev, *incremental, *kind, info, *ms, t, param, annotator, sink);
    }
  }
  const TimestampMs to = ev.selectorTime(ms->selector, t);
  const TimestampMs from = to - ms->range;
  std::vector<Sample> buffer;
  const auto& ids = ev.matchingSeries(ms->selector);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    ev.prefetchSeries(ids, i + kPrefetchDistance);
    const tsdb::SeriesId id = ids[i];
    const auto points = ev.rangePoints(id, from, to, buffer);
    if (points.empty()) {
      continue;
    }
    if (auto st = ev.charge(points.size()); !st) {
      return st.error();
    }
    // predict_linear extrapolates from the evaluation time, even under `@`.
    const RangeWindow window{points, from, to, ms->range, t, param};
    if (auto value = info.fn(window)) {
      const Labels& labels = ev.storage().labels(id);
      annotator.produced(labels);
      sink(labels, *value, !info.keepsName);
    }
  }
  return {};
}

Result<EvalValue> evalRangeFunction(Evaluator& ev, const RangeFunctionInfo& info, const Call& call,
                                    TimestampMs t) {
  EvalVector out;
  auto st = streamRangeFunction(ev, info, call, t, [&](const Labels& labels, double v, bool drop) {
    out.push_back(EvalSample{labels, v, drop});
  });
  if (!st) {
    return st.error();
  }
  return EvalValue{std::move(out)};
}

Result<EvalValue> evalAbsentOverTime(Evaluator& ev, const Call& call, TimestampMs t) {
  const Expr& arg = unwrapParens(*call.args[0]);
  const EvalValue absent{EvalVector{EvalSample{absentLabels(arg), 1, false}}};
  if (const auto* sq = std::get_if<Subquery>(&arg.node)) {
    auto matrix = ev.evalSubquery(*sq, t);
    if (!matrix) {
      return matrix.error();
    }
    return matrix->empty() ? absent : EvalValue{EvalVector{}};
  }
  const auto* ms = std::get_if<MatrixSelector>(&arg.node);
  if (ms == nullptr) {
    return Error{ErrorCode::kInternal, "absent_over_time needs a range vector"};
  }
  const TimestampMs to = ev.selectorTime(ms->selector, t);
  std::vector<Sample> buffer;
  for (tsdb::SeriesId id : ev.matchingSeries(ms->selector)) {
    if (!ev.rangePoints(id, to - ms->range, to, buffer).empty()) {
      return EvalValue{EvalVector{}};
    }
  }
  return absent;
}

}  // namespace nova::promql::detail
