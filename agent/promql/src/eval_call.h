#pragma once

#include <optional>

#include "eval_context.h"

namespace nova::promql::detail {

/// Calls of the functions that rearrange or relabel an instant vector or read the calendar:
/// sort, sort_desc, label_replace, label_join, day_of_month() and the other calendar
/// functions. nullopt when `call` is none of them. `expr` is the call's own node.
std::optional<Result<EvalValue>> evalVectorCall(Evaluator& ev, const Call& call, const Expr& expr,
                                                TimestampMs t);

struct RangeFunctionInfo;

/// A range-vector function (rate, *_over_time, ...) over a range selector or a subquery:
/// one element per series it produces a value for.
Result<EvalValue> evalRangeFunction(Evaluator& ev, const RangeFunctionInfo& info, const Call& call,
                                    TimestampMs t);

/// absent_over_time: one element (labels from the selector's equality matchers) when no
/// series has a sample in the window, else none.
Result<EvalValue> evalAbsentOverTime(Evaluator& ev, const Call& call, TimestampMs t);

/// The labels absent() and absent_over_time() report for their argument: those fixed by a
/// single equality matcher of a selector (none for other expressions).
Labels absentLabels(const Expr& arg);

}  // namespace nova::promql::detail
