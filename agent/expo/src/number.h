#pragma once

// Numbers in the text format: sample values, timestamps, and the float form Prometheus gives
// `le` and `quantile` label values.

#include <cstdint>
#include <string>
#include <string_view>

namespace nova::expo::detail {

/// Parses a sample value as Go's strconv.ParseFloat reads it, without hex floats and digit
/// underscores (which Prometheus refuses): decimals with optional sign and exponent, and
/// Inf/Infinity/NaN in any case. Overflow is an error, underflow gives zero, as in Go. NaN
/// becomes Prometheus's canonical NaN. Returns nullptr on success, else why it failed.
const char* parseValue(std::string_view text, double& out);

/// Parses a non-empty run of decimal digits as int64. Returns nullptr or the reason.
const char* parseTimestamp(std::string_view digits, std::int64_t& out);

/// Appends Prometheus's FormatOpenMetricsFloat form of `v`: Go's shortest %g, with ".0"
/// appended when it holds neither '.' nor 'e' ("1.0", "0.25", "1e+06", "+Inf").
void appendOmFloat(double v, std::string& out);

/// The normalized text of an `le`/`quantile` value. Returns false when `text` is already in
/// that form or is no float (both kept as written); else appends the form to `out`.
bool normalizeOmFloat(std::string_view text, std::string& out);

/// Longest text normalizeOmFloat may append beyond the input length.
inline constexpr std::size_t kMaxOmFloatGrowth = 32;

}  // namespace nova::expo::detail
