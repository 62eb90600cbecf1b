#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "nova/core/labels.h"
#include "nova/core/result.h"
#include "nova/core/time.h"

namespace nova::expo {

namespace detail {
class OmFloatCache;
}

/// The family type declared by `# TYPE`; a sample outside any typed family is kUntyped.
enum class MetricType { kUntyped, kCounter, kGauge, kHistogram, kSummary };

/// "untyped", "counter", "gauge", "histogram", "summary".
std::string_view toString(MetricType type);

/// One label of a sample. Both views are unescaped; they point into the parsed body when the
/// text needed no change, else into the parser's own storage.
struct LabelView {
  std::string_view name;
  std::string_view value;
};

/// One sample as the streaming parser hands it out. Every view stays valid until the next
/// call to Parser::next (views into the body stay valid as long as the body).
struct SampleView {
  /// The name and label block exactly as written in the body (`up{job="a"}`, or
  /// `{"my.metric",a="b"}`), without the value. Equal text means an equal label set, so it
  /// serves as a cache key for interning.
  std::string_view series;
  /// The metric name, unescaped.
  std::string_view name;
  /// The labels in body order, without `__name__`. `le` (histogram) and `quantile` (summary)
  /// values are normalized to Prometheus's float form ("1" -> "1.0").
  std::span<const LabelView> labels;
  double value = 0;
  std::optional<TimestampMs> timestamp;
  /// The type of the family the sample belongs to: the last `# TYPE`/`# HELP` name, when the
  /// sample's name is that name or that name plus a suffix the type allows (`_bucket`,
  /// `_sum`, `_count`, `_created`, `_total`).
  MetricType type = MetricType::kUntyped;
  /// The name of the family the sample belongs to; the sample's own name when it belongs to
  /// no declared family.
  std::string_view family;
  /// The family's unescaped HELP text, or "" (also when the sample is outside the family).
  std::string_view help;
  /// 1-based line of the sample in the body.
  std::size_t line = 0;
};

/// Bounds that keep hostile input from costing unbounded time or memory. 0 = unlimited.
struct ParseLimits {
  /// Longest line, in bytes without the newline. Also bounds HELP text and label values.
  std::size_t maxLineBytes = 256 * 1024;
  /// Most labels on one sample, the metric name not counted.
  std::size_t maxLabelsPerSample = 256;
  std::size_t maxLabelNameBytes = 1024;
  std::size_t maxLabelValueBytes = 64 * 1024;
  /// Most samples in one body; the parse fails on the first sample past it. Set it to the
  /// scrape's sample limit. Unlimited by default: the streaming parser's memory does not
  /// grow with the sample count.
  std::size_t maxSamples = 0;
};

/// Where and why a body was refused. Line and column are 1-based; the column counts bytes.
struct ParseError {
  std::size_t line = 0;
  std::size_t column = 0;
  std::string message;

  /// "3:17: expected '=' after label name, got '}'".
  std::string toString() const;
};

/// A streaming parser of the Prometheus text exposition format 0.0.4 over a whole body, as
/// Prometheus's own parser (promparse) reads it, plus the Prometheus 3 quoted UTF-8 names:
/// blanks around tokens and inside braces, a trailing comma or none between labels, a missing
/// final newline, and `# EOF` as a plain comment are all accepted. Stricter than Prometheus
/// on purpose: NUL bytes anywhere, a raw newline
/// inside quotes, a carriage return before the newline, no blank between the series and its
/// value (`a{}1`) and duplicate label names are errors; unknown escapes (`\q`) stay as written and
/// a repeated TYPE replaces the earlier one, as in Prometheus. Any
/// error ends the parse; a caller that wants Prometheus's all-or-nothing scrape semantics
/// discards the samples it already got. No heap allocation per sample in the common case
/// (only label sets with escapes or `le`/`quantile` to normalize use the scratch buffer, whose
/// capacity is reused, and a cache of normalized `le`/`quantile` texts made once per parser).
/// Movable, not copyable.
class Parser {
 public:
  /// `body` must outlive the parser and the views it hands out.
  explicit Parser(std::string_view body, ParseLimits limits = {});
  ~Parser();
  Parser(Parser&&) noexcept;
  Parser& operator=(Parser&&) noexcept;

  /// Advances to the next sample. Returns false at the end of the body or on an error;
  /// error() tells which.
  bool next(SampleView& out);

  /// Set once next() returned false because of bad input or a limit.
  const std::optional<ParseError>& error() const { return error_; }
  /// Samples handed out so far.
  std::size_t samplesSeen() const { return samplesSeen_; }

 private:
  bool parseLine(std::size_t lineEnd, SampleView& out, bool& isSample);
  bool parseComment(std::size_t pos, std::size_t lineEnd);
  bool parseMeta(std::size_t pos, std::size_t lineEnd, bool isType);
  bool parseSample(std::size_t pos, std::size_t lineEnd, SampleView& out);
  bool parseLabelBlock(std::size_t& pos, std::size_t lineEnd, SampleView& out, bool& nameSet,
                       bool& nameEscaped);
  bool parseQuoted(std::size_t& pos, std::size_t lineEnd, std::string_view& text, bool& escaped,
                   std::string_view what);
  void resolveFamily(SampleView& out) const;
  bool finishLabels(std::size_t seriesPos, SampleView& out, bool nameEscaped);
  void normalizeOne(MetricType type, LabelView& label);
  void unescapeAndNormalize(SampleView& out, bool nameEscaped);
  bool checkDuplicates(std::size_t seriesPos);
  bool parseValueAndTimestamp(std::size_t pos, std::size_t lineEnd, SampleView& out);
  bool fail(std::size_t pos, std::string message);
  bool failGot(std::size_t pos, std::size_t lineEnd, std::string_view expected);

  std::string_view body_;
  ParseLimits limits_;  // with 0 (unlimited) replaced by the largest size
  std::size_t pos_ = 0;
  std::size_t line_ = 0;
  std::size_t lineStart_ = 0;
  std::size_t samplesSeen_ = 0;
  std::optional<ParseError> error_;
  bool done_ = false;

  // Current family, from the last TYPE or HELP line.
  // Views into the body; quoted names with escapes are kept unescaped in
  // escapedFamilyNames_, whose strings never move.
  std::string_view familyName_;
  std::deque<std::string> escapedFamilyNames_;
  MetricType familyType_ = MetricType::kUntyped;
  std::string_view familyHelp_;
  std::string helpStorage_;

  // Per-sample scratch, reused so the steady state allocates nothing.
  std::vector<LabelView> labels_;
  // Escape flags by label index, filled only as far as the last label with an escape.
  std::vector<std::uint8_t> labelEscaped_;
  // What the label block saw, for finishLabels: an escape, names that may repeat (nonzero),
  // and how many labels may be le or quantile (a superset), the last of them at
  // normalizeIndex_.
  bool sawEscape_ = false;
  std::uint64_t nameCollisions_ = 0;
  std::size_t normalizeCandidates_ = 0;
  std::size_t normalizeIndex_ = 0;
  std::vector<std::string_view> sortedNames_;
  std::string scratch_;
  // Normalized le/quantile texts, made on the first one a body holds.
  std::unique_ptr<detail::OmFloatCache> floatCache_;
};

/// A sample with its labels materialized, `__name__` included.
struct ParsedSample {
  Labels labels;
  double value = 0;
  std::optional<TimestampMs> timestamp;
  MetricType type = MetricType::kUntyped;
};

/// Parses a whole body into owned samples. The error message is ParseError::toString().
Result<std::vector<ParsedSample>> parseAll(std::string_view body, ParseLimits limits = {});

}  // namespace nova::expo
