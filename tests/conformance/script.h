#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "nova/core/labels.h"
#include "nova/core/result.h"
#include "nova/core/time.h"

namespace nova::conformance {

/// One `<series> <values>` line of a load block or of an eval's expected result.
struct SeriesSpec {
  int line = 0;
  Labels labels;
  /// Position i is at i * step (load) or start + i * step (range results); nullopt is `_`.
  std::vector<std::optional<double>> values;
  bool hasHistogram = false;
};

/// `load <step>` / `load_with_nhcb <step>`. Every block starts at t = 0.
struct LoadCommand {
  int line = 0;
  DurationMs step = 0;
  bool withNhcb = false;
  std::vector<SeriesSpec> series;
  /// Labels of series given start timestamps by an `@st` line (or all of them when a
  /// standalone `@st` line sets a default for the block).
  std::vector<Labels> startTimestampSeries;
  bool defaultStartTimestamps = false;
};

struct ClearCommand {
  int line = 0;
};

/// A check on the error text of an eval that must fail, or on an annotation's text.
struct FailCheck {
  bool regex = false;  ///< RE2 unanchored search; otherwise an exact match
  std::string text;
};

/// What an eval expects of one kind of annotation (warnings or infos).
struct AnnotationExpectation {
  /// `eval_warn` / `eval_info`: at least one.
  bool required = false;
  /// `expect warn` lines (a line without msg/regex is a regex matching anything): there is
  /// at least one annotation, each line matches one, and each annotation matches a line.
  std::vector<FailCheck> checks;
  /// `expect no_warn`: none at all.
  bool none = false;

  /// Whether any of the above was given; without, annotations of this kind are not checked.
  bool given() const { return required || none || !checks.empty(); }
};

/// `eval instant ...` or `eval range ...` with its expectations.
struct EvalCommand {
  int line = 0;
  std::string expr;
  bool isRange = false;
  /// Instant: the evaluation time. Range (and `expect range vector`): the first step.
  TimestampMs start = 0;
  /// Range (and `expect range vector`): the last step; the instant query then runs here.
  TimestampMs end = 0;
  DurationMs step = 0;
  /// Instant query with `expect range vector from S to E step D`.
  bool rangeVector = false;

  bool fail = false;
  std::vector<FailCheck> failChecks;
  bool ordered = false;
  AnnotationExpectation warnings;
  AnnotationExpectation infos;

  std::optional<double> expectedScalar;
  std::optional<std::string> expectedString;
  std::vector<SeriesSpec> expected;
  /// Some expected value is a native histogram.
  bool expectsHistogram = false;

  /// The time an instant query runs at.
  TimestampMs evalTime() const { return rangeVector ? end : start; }
};

using Command = std::variant<LoadCommand, ClearCommand, EvalCommand>;

/// Reads a promqltest script into commands, as the format guide (FORMAT.md beside the
/// conformance data) and the upstream runner describe. Like upstream, any malformed line rejects
/// the whole script; the error says "line N: ...". PromQL expressions are not parsed here.
Result<std::vector<Command>> readScript(std::string_view text);

}  // namespace nova::conformance
