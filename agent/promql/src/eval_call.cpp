// Function calls: the dispatch, element-wise math and the special ones.
#include "eval_call.h"

#include <cmath>
#include <limits>
#include <numbers>

#include "eval_context.h"
#include "fn_math.h"
#include "fn_range.h"
#include "histogram_quantile.h"

namespace nova::promql::detail {
namespace {

Error unsupported(const std::string& name) {
  return Error{ErrorCode::kRefused, "function " + name + " is not supported by the local engine"};
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

Labels absentLabels(const Expr& argument) {
  const Expr& arg = unwrapParens(argument);
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
  return Labels::fromUnsorted(labels);
}

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
