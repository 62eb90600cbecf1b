#pragma once

#include <optional>

#include "eval_context.h"

namespace nova::promql::detail {

/// Calls of the functions that rearrange or relabel an instant vector or read the calendar:
/// sort, sort_desc, label_replace, label_join, day_of_month() and the other calendar
/// functions. nullopt when `call` is none of them. `expr` is the call's own node.
std::optional<Result<EvalValue>> evalVectorCall(Evaluator& ev, const Call& call, const Expr& expr,
                                                TimestampMs t);

}  // namespace nova::promql::detail
