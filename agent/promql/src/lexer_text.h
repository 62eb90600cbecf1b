#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace nova::promql::detail {

/// Decodes a quoted PromQL string: "..." or '...' with Go escapes (\a \b \f \n \r \t \v
/// \\ \' \" \xHH \uHHHH \UHHHHHHHH and octal \NNN), or `...` taken verbatim. Returns the
/// error message on failure, nullopt on success.
std::optional<std::string> unquote(std::string_view quoted, std::string& out);

/// A double-quoted string that unquote() turns back into `value` (Go's strconv.Quote
/// style: printable UTF-8 kept, control characters and invalid bytes escaped).
std::string quote(std::string_view value);

/// The character at `pos` as Go's %q prints a rune: 'x', '\n', 'é'.
std::string quoteRune(std::string_view input, std::size_t pos);

/// The 1-based line and column (in bytes) of byte `offset` in `text`, as Prometheus counts
/// them for errors and annotations.
struct LineColumn {
  int line = 1;
  int column = 1;
};
LineColumn lineColumnAt(std::string_view text, int offset);

/// Whether `name` is a label name usable without quotes ([a-zA-Z_][a-zA-Z0-9_]*).
bool isLegacyLabelName(std::string_view name);

/// Whether `name` is a metric name usable without quotes ([a-zA-Z_:][a-zA-Z0-9_:]*).
bool isLegacyMetricName(std::string_view name);

}  // namespace nova::promql::detail
