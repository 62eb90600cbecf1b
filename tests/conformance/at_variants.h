#pragma once

#include <optional>
#include <string>
#include <vector>

#include "nova/core/time.h"

namespace nova::conformance {

/// Upstream's step-invariance check of an instant eval (FORMAT.md 5.5.2): the expression
/// with `@ t` put on every selector and subquery that has no `@` (nothing inside a subquery:
/// the subquery has one then), printed back as PromQL, and the other times it must give the
/// same result
/// at: -10t, 0, t/5, t and 10t, or -1s, 0 and 1s when t is 0.
struct AtVariants {
  std::string expr;
  std::vector<TimestampMs> times;
};

/// The variants of `expr` evaluated at `t`, or nullopt when upstream skips the check: the
/// expression uses a function whose result depends on the evaluation time (time(),
/// timestamp(), predict_linear(), the calendar functions, start(), end(), range(), step())
/// or does not parse.
std::optional<AtVariants> atVariants(const std::string& expr, TimestampMs t);

}  // namespace nova::conformance
