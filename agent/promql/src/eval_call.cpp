// Function calls: range-vector functions, element-wise math and the special ones.
#include "eval_call.h"

#include <cmath>
#include <limits>
#include <numbers>

#include "annotation_messages.h"
#include "eval_context.h"
#include "fn_math.h"
#include "fn_range.h"
#include "histogram_quantile.h"

namespace nova::promql::detail {
namespace {

Error unsupported(const std::string& name) {
  return Error{ErrorCode::kRefused, "function " + name + " is not supported by the local engine"};
}

const MatrixSelector* matrixArgument(const Expr& arg) {
  return std::get_if<MatrixSelector>(&unwrapParens(arg).node);
}

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

}  // namespace

Status streamRangeFunction(Evaluator& ev, const RangeFunctionInfo& info, const Call& call,
                           TimestampMs t, const RangeSink& sink) {
  const auto matrixIndex = static_cast<std::size_t>(info.matrixArg);
  const MatrixSelector* ms =
      call.args.size() <= matrixIndex ? nullptr : matrixArgument(*call.args[matrixIndex]);
  if (ms == nullptr) {
    return Error{ErrorCode::kRefused, "function " + call.function +
                                          " over a subquery is not supported by the local engine"};
  }
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
  const TimestampMs to = ev.selectorTime(ms->selector, t);
  const TimestampMs from = to - ms->range;
  RangeAnnotator annotator(ev, info, call, param);
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

namespace {

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

// The labels absent() reports: those fixed by a single equality matcher.
Labels absentLabels(const Expr& arg) {
  const VectorSelector* vs = std::get_if<VectorSelector>(&arg.node);
  if (const auto* ms = std::get_if<MatrixSelector>(&arg.node)) {
    vs = &ms->selector;
  }
  if (vs == nullptr) {
    return {};
  }
  std::vector<Label> labels;
  std::vector<std::string> seen;
  for (const auto& m : vs->matchers) {
    if (m.name() == kMetricNameLabel) {
      continue;
    }
    const bool first = std::find(seen.begin(), seen.end(), m.name()) == seen.end();
    std::erase_if(labels, [&](const Label& l) { return l.name == m.name(); });
    if (m.op() == MatchOp::kEqual && first) {
      labels.push_back(Label{m.name(), m.value()});
      seen.push_back(m.name());
    }
  }
  return Labels::fromUnsorted(std::move(labels));
}

Result<EvalValue> evalAbsentOverTime(Evaluator& ev, const Call& call, TimestampMs t) {
  const MatrixSelector* ms = call.args.empty() ? nullptr : matrixArgument(*call.args[0]);
  if (ms == nullptr) {
    return unsupported(call.function);
  }
  const TimestampMs to = ev.selectorTime(ms->selector, t);
  std::vector<Sample> buffer;
  for (tsdb::SeriesId id : ev.matchingSeries(ms->selector)) {
    if (!ev.rangePoints(id, to - ms->range, to, buffer).empty()) {
      return EvalValue{EvalVector{}};
    }
  }
  return EvalValue{EvalVector{EvalSample{absentLabels(*call.args[0]), 1, false}}};
}

Result<EvalValue> evalTimestamp(Evaluator& ev, const Call& call, TimestampMs t) {
  const Expr& arg = unwrapParens(*call.args[0]);
  if (const auto* vs = std::get_if<VectorSelector>(&arg.node)) {
    // A selector's own sample times, not the evaluation time.
    EvalVector out;
    std::vector<TimestampMs> times;
    if (auto st = ev.selectInstant(*vs, t, out, &times); !st) {
      return st.error();
    }
    for (std::size_t i = 0; i < out.size(); ++i) {
      out[i].v = static_cast<double>(times[i]) / 1000;
      out[i].dropName = true;
    }
    return EvalValue{std::move(out)};
  }
  auto in = ev.evalVector(arg, t);
  if (!in) {
    return in.error();
  }
  for (auto& s : *in) {
    s.v = static_cast<double>(t) / 1000;
    s.dropName = true;
  }
  return EvalValue{std::move(*in)};
}

// Applies `fn` to every element, marking the name for removal.
template <typename Fn>
Result<EvalValue> mapVector(Evaluator& ev, const Expr& arg, TimestampMs t, Fn fn) {
  auto in = ev.evalVector(arg, t);
  if (!in) {
    return in.error();
  }
  for (auto& s : *in) {
    s.v = fn(s.v);
    s.dropName = true;
  }
  return EvalValue{std::move(*in)};
}

Result<EvalValue> evalClamp(Evaluator& ev, const Call& call, TimestampMs t) {
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  if (call.function == "clamp" || call.function == "clamp_min") {
    auto v = ev.evalScalar(*call.args[1], t);
    if (!v) {
      return v.error();
    }
    lo = *v;
  }
  if (call.function == "clamp" || call.function == "clamp_max") {
    auto v = ev.evalScalar(*call.args[call.function == "clamp" ? 2 : 1], t);
    if (!v) {
      return v.error();
    }
    hi = *v;
  }
  if (hi < lo) {
    return EvalValue{EvalVector{}};
  }
  return mapVector(ev, *call.args[0], t, [&](double v) { return goMax(lo, goMin(hi, v)); });
}

Result<EvalValue> evalScalarFunction(Evaluator& ev, const Call& call, TimestampMs t) {
  auto in = ev.evalVector(*call.args[0], t);
  if (!in) {
    return in.error();
  }
  const double v = in->size() == 1 ? in->front().v : std::numeric_limits<double>::quiet_NaN();
  return scalarResult(t, v);
}

}  // namespace

Result<EvalValue> Evaluator::evalCall(const Call& call, const Expr& expr, TimestampMs t) {
  const std::string& name = call.function;
  if (const RangeFunctionInfo* info = findRangeFunction(name)) {
    return evalRangeFunction(*this, *info, call, t);
  }
  if (auto result = evalVectorCall(*this, call, expr, t)) {
    return std::move(*result);
  }
  if (name == "round" && call.args.size() == 2) {
    auto toNearest = evalScalar(*call.args[1], t);
    if (!toNearest) {
      return toNearest.error();
    }
    const double n = *toNearest;
    return mapVector(*this, *call.args[0], t, [n](double v) { return roundToNearest(v, n); });
  }
  if (MathFunction fn = findMathFunction(name); fn != nullptr && call.args.size() == 1) {
    return mapVector(*this, *call.args[0], t, fn);
  }
  if (name == "clamp" || name == "clamp_min" || name == "clamp_max") {
    return evalClamp(*this, call, t);
  }
  if (name == "histogram_quantile") {
    auto q = evalScalar(*call.args[0], t);
    if (!q) {
      return q.error();
    }
    auto in = evalVector(*call.args[1], t);
    if (!in) {
      return in.error();
    }
    const QuantileAnnotations notes{*this, unwrapParens(*call.args[0]).pos,
                                    unwrapParens(*call.args[1]).pos, t};
    return EvalValue{histogramQuantile(*q, *in, notes)};
  }
  if (name == "absent") {
    auto in = evalVector(*call.args[0], t);
    if (!in) {
      return in.error();
    }
    if (!in->empty()) {
      return EvalValue{EvalVector{}};
    }
    return EvalValue{EvalVector{EvalSample{absentLabels(*call.args[0]), 1, false}}};
  }
  if (name == "absent_over_time") {
    return evalAbsentOverTime(*this, call, t);
  }
  if (name == "time") {
    return scalarResult(t, static_cast<double>(t) / 1000);
  }
  if (name == "pi") {
    return scalarResult(t, std::numbers::pi);
  }
  if (name == "vector") {
    auto v = evalScalar(*call.args[0], t);
    if (!v) {
      return v.error();
    }
    return EvalValue{EvalVector{EvalSample{Labels{}, *v, false}}};
  }
  if (name == "scalar") {
    return evalScalarFunction(*this, call, t);
  }
  if (name == "timestamp") {
    return evalTimestamp(*this, call, t);
  }
  return unsupported(name);
}

}  // namespace nova::promql::detail
