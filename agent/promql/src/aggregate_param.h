#pragma once

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

}  // namespace nova::promql::detail
