#pragma once

#include <utility>

#include "eval_context.h"

namespace nova::promql::detail {

/// One element-wise operation: the value and, for comparisons, whether it holds. For
/// comparisons the value is the left operand.
std::pair<double, bool> applyBinary(BinaryOp op, double lhs, double rhs);

/// Arithmetic (not comparisons or set operators) removes the metric name.
bool dropsMetricName(BinaryOp op);

/// and, or, unless between two vectors.
EvalVector vectorSetOperation(BinaryOp op, EvalVector lhs, EvalVector rhs,
                              const VectorMatching& matching);

/// Arithmetic and comparisons between two vectors with one-to-one, many-to-one or
/// one-to-many matching; fails on ambiguous matches as Prometheus does.
Result<EvalVector> vectorBinary(BinaryOp op, EvalVector lhs, EvalVector rhs,
                                const VectorMatching& matching, bool returnBool);

}  // namespace nova::promql::detail
