// Aggregations with a parameter: topk, bottomk, quantile and count_values.
#include "aggregate_param.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <unordered_map>

#include "annotation_messages.h"
#include "eval_labels.h"
#include "go_format.h"
#include "lexer_text.h"
#include "nova/core/text.h"

namespace nova::promql::detail {
namespace {

struct Group {
  Labels labels;
  std::vector<std::size_t> members;
  bool dropName = false;
};

std::vector<Group> groupSamples(const EvalVector& in, const Aggregate& agg) {
  std::vector<Group> groups;
  std::unordered_map<std::string, std::size_t> index;
  std::string signature;
  for (std::size_t i = 0; i < in.size(); ++i) {
    groupingSignature(in[i].labels, agg.grouping, agg.without, signature);
    auto [it, inserted] = index.emplace(signature, groups.size());
    if (inserted) {
      groups.push_back(Group{agg.without ? removeLabels(in[i].labels, agg.grouping, true)
                                         : keepOnlyLabels(in[i].labels, agg.grouping),
                             {},
                             false});
    }
    groups[it->second].members.push_back(i);
    groups[it->second].dropName = groups[it->second].dropName || in[i].dropName;
  }
  return groups;
}

// NaN sorts last for both directions, as in Prometheus's result heaps.
bool ranksBefore(double a, double b, bool top) {
  if (std::isnan(a)) {
    return false;
  }
  if (std::isnan(b)) {
    return true;
  }
  return top ? a > b : a < b;
}

}  // namespace

QuantileRanks quantileRanks(double q, std::size_t n) {
  if (std::isnan(q)) {
    return {0, 0, 0, std::numeric_limits<double>::quiet_NaN()};
  }
  if (q < 0) {
    return {0, 0, 0, -std::numeric_limits<double>::infinity()};
  }
  if (q > 1) {
    return {0, 0, 0, std::numeric_limits<double>::infinity()};
  }
  const double count = static_cast<double>(n);
  const double rank = q * (count - 1);
  const double lower = std::max(0.0, std::floor(rank));
  const double upper = std::min(count - 1, lower + 1);
  return {static_cast<std::size_t>(lower), static_cast<std::size_t>(upper), rank - std::floor(rank),
          std::nullopt};
}

double quantileOf(double q, std::vector<double> values) {
  if (values.empty()) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  const QuantileRanks ranks = quantileRanks(q, values.size());
  if (ranks.special) {
    return *ranks.special;
  }
  // NaN sorts first, as Prometheus's value heap orders it.
  std::sort(values.begin(), values.end(), [](double a, double b) {
    if (std::isnan(a)) {
      return !std::isnan(b);
    }
    return a < b;
  });
  return values[ranks.lower] * (1 - ranks.weight) + values[ranks.upper] * ranks.weight;
}

namespace {

EvalVector quantiles(const Aggregate& agg, double q, const EvalVector& in) {
  EvalVector out;
  for (const auto& g : groupSamples(in, agg)) {
    std::vector<double> values;
    values.reserve(g.members.size());
    for (std::size_t i : g.members) {
      values.push_back(in[i].v);
    }
    out.push_back(EvalSample{g.labels, quantileOf(q, std::move(values)), g.dropName});
  }
  return out;
}

Result<EvalVector> topOrBottom(const Aggregate& agg, double param, EvalVector in) {
  EvalVector out;
  if (param < 1) {
    return out;
  }
  if (std::isnan(param)) {
    return Error{ErrorCode::kInvalidInput, "Parameter value is NaN"};
  }
  // Prometheus converts k to an int64.
  if (param >= 9223372036854775807.0) {
    return Error{ErrorCode::kInvalidInput, "Scalar value " + formatGoG(param) + " overflows int64"};
  }
  const auto groups = groupSamples(in, agg);
  const double limit = std::min(param, static_cast<double>(in.size()));
  const auto k = static_cast<std::size_t>(limit);
  const bool top = agg.op == AggregateOp::kTopk;
  for (const auto& g : groups) {
    std::vector<std::size_t> members = g.members;
    std::stable_sort(members.begin(), members.end(), [&](std::size_t a, std::size_t b) {
      return ranksBefore(in[a].v, in[b].v, top);
    });
    members.resize(std::min(k, members.size()));
    for (std::size_t i : members) {
      out.push_back(std::move(in[i]));
    }
  }
  return out;
}

// count_values: the value, written as Go's %f-shortest, joins the labels that group.
Result<EvalVector> countValues(const Aggregate& agg, const std::string& label,
                               const EvalVector& in) {
  if (label.empty() || !isValidUtf8(label)) {
    return Error{ErrorCode::kInvalidInput, "invalid label name " + quote(label)};
  }
  std::vector<std::string> grouping = agg.grouping;
  if (!agg.without) {
    grouping.push_back(label);
  }
  EvalVector out;
  std::unordered_map<std::string, std::size_t> index;
  std::string signature;
  for (const EvalSample& s : in) {
    const Labels labels = LabelsBuilder(s.labels).set(label, formatGoFixed(s.v)).build();
    groupingSignature(labels, grouping, agg.without, signature);
    auto [it, inserted] = index.emplace(signature, out.size());
    if (inserted) {
      out.push_back(EvalSample{
          agg.without ? removeLabels(labels, grouping, true) : keepOnlyLabels(labels, grouping), 1,
          false});
    } else {
      out[it->second].v += 1;
    }
  }
  return out;
}

std::string stringParam(const Expr& param) {
  if (const auto* s = std::get_if<StringLiteral>(&unwrapParens(param).node)) {
    return s->value;
  }
  return {};
}

}  // namespace

Result<EvalValue> evalAggregateWithParam(Evaluator& ev, const Aggregate& agg, TimestampMs t) {
  Result<EvalVector> out = EvalVector{};
  if (agg.op == AggregateOp::kCountValues) {
    auto in = ev.evalVector(*agg.expr, t);
    if (!in) {
      return in.error();
    }
    out = countValues(agg, stringParam(*agg.param), *in);
  } else if (agg.op == AggregateOp::kTopk || agg.op == AggregateOp::kBottomk ||
             agg.op == AggregateOp::kQuantile) {
    auto param = ev.evalScalar(*agg.param, t);
    if (!param) {
      return param.error();
    }
    if (agg.op == AggregateOp::kQuantile && ev.annotating() && !(*param >= 0 && *param <= 1)) {
      ev.annotate(invalidQuantileWarning(*param, unwrapParens(*agg.param).pos));
    }
    auto in = ev.evalVector(*agg.expr, t);
    if (!in) {
      return in.error();
    }
    out = agg.op == AggregateOp::kQuantile ? quantiles(agg, *param, *in)
                                           : topOrBottom(agg, *param, std::move(*in));
  } else {
    return Error{ErrorCode::kRefused, "aggregation " + std::string(toString(agg.op)) +
                                          " is not supported by the local engine"};
  }
  if (!out) {
    return out.error();
  }
  return EvalValue{std::move(*out)};
}

}  // namespace nova::promql::detail
