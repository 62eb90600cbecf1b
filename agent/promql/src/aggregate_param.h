#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "eval_context.h"

namespace nova::promql::detail {

/// The aggregations with a parameter, evaluated at `t`: topk and bottomk (the elements
/// themselves, best first, NaN last; they fail on a NaN parameter), quantile (one value per
/// group, warning about a parameter outside [0, 1]) and count_values (one element per group
/// and value, the value written into the label the parameter names). limitk and
/// limit_ratio are refused.
Result<EvalValue> evalAggregateWithParam(Evaluator& ev, const Aggregate& agg, TimestampMs t);

/// The q-quantile of `values` with linear interpolation between ranks, as Prometheus's
/// quantile(): NaN for no values or NaN q, -Inf below 0, +Inf above 1.
double quantileOf(double q, std::vector<double> values);

/// Where quantileOf reads among n > 0 sorted values: the value at `lower` weighted
/// 1 - weight plus the one at `upper` weighted `weight`; or, for a NaN q or one outside
/// [0, 1], the result itself in `special`.
struct QuantileRanks {
  std::size_t lower = 0;
  std::size_t upper = 0;
  double weight = 0;
  std::optional<double> special;
};
QuantileRanks quantileRanks(double q, std::size_t n);

}  // namespace nova::promql::detail
