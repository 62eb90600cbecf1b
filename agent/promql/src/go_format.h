#pragma once

#include <string>

namespace nova::promql::detail {

/// Go's strconv.FormatFloat(v, 'g', precision, 64), which fmt's %g (precision -1) and %.Ng
/// print: the shortest digits that read back as `v` (or `precision` significant digits),
/// without trailing zeros, in exponent form ("1e+06", "1.5e-05") when the decimal exponent
/// is below -4 or at least the precision (6 for the shortest form); "NaN", "+Inf", "-Inf".
/// Prometheus formats the numbers in its annotations this way.
std::string formatGoG(double v, int precision = -1);

/// Go's strconv.FormatFloat(v, 'f', -1, 64): the shortest digits that read back as `v`,
/// never in exponent form ("100000000", "0.0001"). count_values writes values this way.
std::string formatGoFixed(double v);

}  // namespace nova::promql::detail
