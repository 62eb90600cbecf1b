#pragma once

#include <vector>

#include "eval_context.h"

namespace nova::promql::detail {

/// topk, bottomk (the elements themselves, best first, NaN last) and quantile (one value per
/// group) with the evaluated parameter. topk/bottomk fail on a NaN parameter.
Result<EvalVector> aggregateWithParam(const Aggregate& agg, double param, EvalVector in);

/// The q-quantile of `values` with linear interpolation between ranks, as Prometheus's
/// quantile(): NaN for no values or NaN q, -Inf below 0, +Inf above 1.
double quantileOf(double q, std::vector<double> values);

}  // namespace nova::promql::detail
