#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "nova/core/labels.h"

namespace nova::rules {

/// How `{{ $value }}` is printed.
enum class ValueFormat {
  kPlain,               ///< shortest form that round-trips: 0.0734
  kHumanize,            ///< SI prefixes: 1.234k, 12.5m
  kHumanizePercentage,  ///< value * 100 with '%': 7.34%
  kHumanizeDuration,    ///< seconds as a duration: 250ms, 1m30s
};

/// A summary template: text with `{{ $value }}`, `{{ $value | humanize }}`,
/// `{{ $value | humanizePercentage }}`, `{{ $value | humanizeDuration }}` and
/// `{{ $labels.<name> }}` (empty when the label is absent).
class Template {
 public:
  struct Literal {
    std::string text;
  };
  struct ValueRef {
    ValueFormat format = ValueFormat::kPlain;
  };
  struct LabelRef {
    std::string name;
  };
  using Part = std::variant<Literal, ValueRef, LabelRef>;

  /// A problem found while parsing, at a byte offset into the template text.
  struct ParseProblem {
    std::size_t offset = 0;
    std::string message;
  };

  Template() = default;
  /// Parses `text`. Problems (unclosed `{{`, unknown variables or functions) are appended
  /// to `problems`; the template keeps what it could read.
  static Template parse(std::string_view text, std::vector<ParseProblem>& problems);

  /// Renders with a sample's value and labels. Pure.
  std::string render(double value, const Labels& labels) const;

  const std::string& source() const { return source_; }
  const std::vector<Part>& parts() const { return parts_; }

 private:
  std::string source_;
  std::vector<Part> parts_;
};

/// Formats `value` as the given ValueFormat (NaN -> "NaN", infinities -> "+Inf"/"-Inf").
std::string formatValue(double value, ValueFormat format);

}  // namespace nova::rules
