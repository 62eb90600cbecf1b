#include "functions_table.h"

#include <algorithm>
#include <array>
#include <iterator>
#include <string>

namespace nova::promql::detail {
namespace {

constexpr ValueType kS = ValueType::kScalar;
constexpr ValueType kV = ValueType::kVector;
constexpr ValueType kM = ValueType::kMatrix;
constexpr ValueType kStr = ValueType::kString;

// What the local engine evaluates. Everything else parses and type-checks, then is
// refused with "use source: prometheus" unless ParseOptions::allowOutsideSubset is set.
// Edit this list (and the evaluator) together.
// clang-format off
constexpr std::string_view kLocalFunctions[] = {
    // Counters and gauges over a range.
    "rate", "irate", "increase", "delta", "idelta", "deriv", "changes", "resets",
    // *_over_time.
    "absent_over_time", "avg_over_time", "min_over_time", "max_over_time", "sum_over_time",
    "count_over_time", "last_over_time", "present_over_time", "stddev_over_time",
    "stdvar_over_time", "quantile_over_time",
    // Instant vector maths.
    "abs", "ceil", "floor", "round", "sqrt", "exp", "ln", "log2", "log10", "sgn", "clamp",
    "clamp_min", "clamp_max", "deg", "rad", "acos", "acosh", "asin", "asinh", "atan", "atanh",
    "cos", "cosh", "sin", "sinh", "tan", "tanh",
    // Over a range, with a parameter.
    "predict_linear", "quantile_over_time",
    // The calendar.
    "day_of_month", "day_of_week", "day_of_year", "days_in_month", "hour", "minute", "month",
    "year",
    // Labels and order.
    "label_replace", "label_join", "sort", "sort_desc",
    // Others.
    "histogram_quantile", "absent", "time", "vector", "scalar", "timestamp", "pi"};
// clang-format on

// limitk and limit_ratio are experimental in Prometheus and left to it.
constexpr std::array<AggregateOp, 12> kLocalAggregations = {
    AggregateOp::kSum,   AggregateOp::kAvg,     AggregateOp::kMin,      AggregateOp::kMax,
    AggregateOp::kCount, AggregateOp::kGroup,   AggregateOp::kStddev,   AggregateOp::kStdvar,
    AggregateOp::kTopk,  AggregateOp::kBottomk, AggregateOp::kQuantile, AggregateOp::kCountValues};

bool isLocal(std::string_view name) {
  return std::find(std::begin(kLocalFunctions), std::end(kLocalFunctions), name) !=
         std::end(kLocalFunctions);
}

FunctionInfo fn(std::string_view name, std::vector<ValueType> args, ValueType ret = kV,
                int variadic = 0) {
  return FunctionInfo{name, std::move(args), variadic, ret, isLocal(name)};
}

std::vector<FunctionInfo> buildTable() {
  std::vector<FunctionInfo> t;
  for (std::string_view name : {"abs",
                                "absent",
                                "acos",
                                "acosh",
                                "asin",
                                "asinh",
                                "atan",
                                "atanh",
                                "ceil",
                                "cos",
                                "cosh",
                                "deg",
                                "exp",
                                "floor",
                                "histogram_avg",
                                "histogram_count",
                                "histogram_sum",
                                "histogram_stddev",
                                "histogram_stdvar",
                                "ln",
                                "log10",
                                "log2",
                                "rad",
                                "sgn",
                                "sin",
                                "sinh",
                                "sort",
                                "sort_desc",
                                "sqrt",
                                "tan",
                                "tanh",
                                "timestamp"}) {
    t.push_back(fn(name, {kV}));
  }
  for (std::string_view name : {"absent_over_time",
                                "avg_over_time",
                                "changes",
                                "count_over_time",
                                "delta",
                                "deriv",
                                "first_over_time",
                                "idelta",
                                "increase",
                                "irate",
                                "last_over_time",
                                "mad_over_time",
                                "max_over_time",
                                "min_over_time",
                                "present_over_time",
                                "rate",
                                "resets",
                                "stddev_over_time",
                                "stdvar_over_time",
                                "sum_over_time",
                                "ts_of_first_over_time",
                                "ts_of_last_over_time",
                                "ts_of_max_over_time",
                                "ts_of_min_over_time"}) {
    t.push_back(fn(name, {kM}));
  }
  for (std::string_view name : {"day_of_month", "day_of_week", "day_of_year", "days_in_month",
                                "hour", "minute", "month", "year"}) {
    t.push_back(fn(name, {kV}, kV, 1));
  }
  // start(), end(), step() and range() are experimental in Prometheus.
  for (std::string_view name : {"end", "pi", "range", "start", "step", "time"}) {
    t.push_back(fn(name, {}, kS));
  }
  t.push_back(fn("clamp", {kV, kS, kS}));
  t.push_back(fn("clamp_max", {kV, kS}));
  t.push_back(fn("clamp_min", {kV, kS}));
  t.push_back(fn("double_exponential_smoothing", {kM, kS, kS}));
  t.push_back(fn("histogram_fraction", {kS, kS, kV}));
  t.push_back(fn("histogram_quantile", {kS, kV}));
  t.push_back(fn("histogram_quantiles", {kV, kStr, kS, kS}, kV, 9));
  t.push_back(fn("info", {kV, kV}, kV, 1));
  t.push_back(fn("label_join", {kV, kStr, kStr, kStr}, kV, -1));
  t.push_back(fn("label_replace", {kV, kStr, kStr, kStr, kStr}));
  t.push_back(fn("max_of", {kS, kS}, kS));  // experimental
  t.push_back(fn("min_of", {kS, kS}, kS));  // experimental
  t.push_back(fn("predict_linear", {kM, kS}));
  t.push_back(fn("quantile_over_time", {kS, kM}));
  t.push_back(fn("round", {kV, kS}, kV, 1));
  t.push_back(fn("scalar", {kV}, kS));
  t.push_back(fn("sort_by_label", {kV, kStr}, kV, -1));
  t.push_back(fn("sort_by_label_desc", {kV, kStr}, kV, -1));
  t.push_back(fn("vector", {kS}));
  std::sort(t.begin(), t.end(),
            [](const FunctionInfo& a, const FunctionInfo& b) { return a.name < b.name; });
  return t;
}

const std::vector<FunctionInfo>& table() {
  static const std::vector<FunctionInfo> kTable = buildTable();
  return kTable;
}

}  // namespace

const FunctionInfo* findFunction(std::string_view name) {
  const auto& t = table();
  auto it = std::lower_bound(t.begin(), t.end(), name,
                             [](const FunctionInfo& f, std::string_view n) { return f.name < n; });
  if (it == t.end() || it->name != name) {
    return nullptr;
  }
  return &*it;
}

std::span<const std::string_view> functionNames() {
  static const std::vector<std::string_view> kNames = [] {
    std::vector<std::string_view> names;
    for (const FunctionInfo& f : table()) {
      names.push_back(f.name);
    }
    return names;
  }();
  return kNames;
}

bool isAggregationSupportedLocally(AggregateOp op) {
  return std::find(kLocalAggregations.begin(), kLocalAggregations.end(), op) !=
         kLocalAggregations.end();
}

std::string_view documentedType(ValueType type) {
  switch (type) {
    case ValueType::kScalar:
      return "scalar";
    case ValueType::kVector:
      return "instant vector";
    case ValueType::kMatrix:
      return "range vector";
    case ValueType::kString:
      return "string";
  }
  return "unknown";
}

}  // namespace nova::promql::detail
