#pragma once

#include <string_view>

namespace nova::promql::detail {

using MathFunction = double (*)(double);

/// The element-wise function of an instant vector called `name` (abs, ceil, ln, sgn...),
/// or nullptr.
MathFunction findMathFunction(std::string_view name);

/// Go's math.Max and math.Min, which Prometheus uses: NaN wins over numbers (unlike
/// std::fmax), +Inf/-Inf win over NaN, and +0 is larger than -0.
double goMax(double a, double b);
double goMin(double a, double b);

/// round(v, toNearest) as Prometheus computes it (ties round up).
double roundToNearest(double v, double toNearest);

}  // namespace nova::promql::detail
