#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nova/core/labels.h"
#include "nova/core/result.h"

namespace nova::promql {

/// One line of the series notation shared by promqltest scripts and rule-test scenarios:
/// `<series> <values>`, e.g. `http_requests{job="api"} 0+10x5 _ stale 3`.
struct SeriesLine {
  /// The series, with the metric name (if any) under `__name__`. Labels with empty values
  /// are dropped, as everywhere else.
  Labels labels;
  /// One entry per position after expansion; position i is at i * step. nullopt is an empty
  /// position (`_`); a staleness marker is the stale NaN (see nova/core/sample.h). Positions
  /// that hold native histograms are nullopt too (see hasHistogram).
  std::vector<std::optional<double>> values;
  /// True when a value is a native histogram (`{{...}}`). Histograms are recognised so that
  /// float-only callers can skip the line; their contents are not interpreted.
  bool hasHistogram = false;
};

/// The upper bound on positions one line may expand to, so a typo such as `0+1x1000000000`
/// is an error rather than an out-of-memory.
inline constexpr std::size_t kMaxSeriesPositions = 10'000'000;

/// Parses `<series> <values>`.
///
/// The series is PromQL selector syntax restricted to equality: `name`, `name{l="v", ...}`,
/// `{__name__="name"}`, `{"quoted.name", l="v"}`, `{}`; trailing commas and blanks inside
/// the braces are allowed; strings are "..." or '...' with Go escapes, or raw `...`.
///
/// Values are separated by blanks; each item expands to zero or more positions:
/// `N` (one), `_` (one empty), `_xK` (K empty), `stale` (one stale marker), `NxK` (K+1
/// copies), `N+DxK` / `N-DxK` (K+1 values, adding D by repeated float addition), and the
/// same shapes with `{{...}}` histograms. Numbers are decimal with optional sign, fraction
/// and exponent, or Inf/NaN in any case; hex is refused.
///
/// Errors name the 1-based column in `text`: "column 12: expected '=' after label name".
Result<SeriesLine> parseSeriesLine(std::string_view text);

/// Parses only the `<series>` part (the whole text must be a series description).
Result<Labels> parseSeriesLabels(std::string_view text);

/// Parses one whole quoted string literal as the series notation reads label values
/// ("..." or '...' with Go escapes, or raw `...`), e.g. for `expect string "..."` lines.
Result<std::string> parseStringLiteral(std::string_view text);

}  // namespace nova::promql
