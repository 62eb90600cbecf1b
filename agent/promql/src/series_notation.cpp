#include "nova/promql/series_notation.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>
#include <utility>

#include "nova/core/sample.h"

namespace nova::promql {
namespace {

bool isBlank(char c) {
  return c == ' ' || c == '\t';
}
bool isDigit(char c) {
  return c >= '0' && c <= '9';
}
bool isAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool isLabelStart(char c) {
  return isAlpha(c) || c == '_';
}
bool isLabelChar(char c) {
  return isLabelStart(c) || isDigit(c);
}
bool isMetricStart(char c) {
  return isLabelStart(c) || c == ':';
}
bool isMetricChar(char c) {
  return isLabelChar(c) || c == ':';
}

int hexDigit(char c) {
  if (isDigit(c)) {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

void appendUtf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// A cursor over one line; every error it makes carries the 1-based column.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  bool atEnd() const { return pos_ >= text_.size(); }
  char peek(std::size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  bool startsWith(std::string_view s) const { return text_.substr(pos_).starts_with(s); }
  std::size_t pos() const { return pos_; }
  void advance(std::size_t n = 1) { pos_ += n; }
  void skipBlanks() {
    while (!atEnd() && isBlank(peek())) {
      ++pos_;
    }
  }
  std::string_view slice(std::size_t from) const { return text_.substr(from, pos_ - from); }

  Error errorAt(std::size_t at, std::string_view what) const {
    return Error{ErrorCode::kInvalidInput,
                 "column " + std::to_string(at + 1) + ": " + std::string(what)};
  }
  Error error(std::string_view what) const { return errorAt(pos_, what); }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

// Reads the escape after a backslash (already consumed) of a string quoted with `quote`.
Status readEscape(Scanner& s, char quote, std::string& out) {
  const std::size_t start = s.pos() - 1;
  const char c = s.peek();
  s.advance();
  switch (c) {
    case 'a':
      out += '\a';
      return {};
    case 'b':
      out += '\b';
      return {};
    case 'f':
      out += '\f';
      return {};
    case 'n':
      out += '\n';
      return {};
    case 'r':
      out += '\r';
      return {};
    case 't':
      out += '\t';
      return {};
    case 'v':
      out += '\v';
      return {};
    case '\\':
      out += '\\';
      return {};
    default:
      break;
  }
  if (c == quote) {
    out += c;
    return {};
  }
  if (c >= '0' && c <= '7') {
    int value = c - '0';
    for (int i = 0; i < 2; ++i, s.advance()) {
      if (s.peek() < '0' || s.peek() > '7') {
        return s.errorAt(start, "octal escape needs three digits");
      }
      value = value * 8 + (s.peek() - '0');
    }
    if (value > 255) {
      return s.errorAt(start, "octal escape value above 255");
    }
    out += static_cast<char>(value);
    return {};
  }
  const int digits = c == 'x' ? 2 : c == 'u' ? 4 : c == 'U' ? 8 : 0;
  if (digits == 0) {
    return s.errorAt(start, std::string("unknown escape sequence \\") + c);
  }
  std::uint32_t value = 0;
  for (int i = 0; i < digits; ++i, s.advance()) {
    const int d = hexDigit(s.peek());
    if (d < 0) {
      return s.errorAt(start, "escape \\" + std::string(1, c) + " needs " + std::to_string(digits) +
                                  " hex digits");
    }
    value = value * 16 + static_cast<std::uint32_t>(d);
  }
  if (c == 'x') {
    out += static_cast<char>(value);
  } else if (value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
    return s.errorAt(start, "escape is not a valid Unicode code point");
  } else {
    appendUtf8(out, value);
  }
  return {};
}

// A PromQL string literal at the cursor: "..." or '...' with Go escapes, or raw `...`.
Result<std::string> readString(Scanner& s) {
  const std::size_t start = s.pos();
  const char quote = s.peek();
  s.advance();
  std::string out;
  while (!s.atEnd() && s.peek() != quote) {
    const char c = s.peek();
    s.advance();
    if (c == '\\' && quote != '`') {
      if (s.atEnd()) {
        break;
      }
      if (Status st = readEscape(s, quote, out); !st) {
        return st.error();
      }
      continue;
    }
    out += c;
  }
  if (s.atEnd()) {
    return s.errorAt(start, "unterminated string");
  }
  s.advance();
  return out;
}

bool isQuote(char c) {
  return c == '"' || c == '\'' || c == '`';
}

class LabelCollector {
 public:
  Status add(const Scanner& s, std::size_t at, std::string name, std::string value) {
    for (const Label& l : labels_) {
      if (l.name == name) {
        return s.errorAt(at, "label " + name + " given twice");
      }
    }
    labels_.push_back({std::move(name), std::move(value)});
    return {};
  }
  Labels build() { return Labels::fromUnsorted(labels_); }

 private:
  std::vector<Label> labels_;
};

// One item inside braces: `name="v"`, `"quoted name"="v"` or a bare `"metric.name"`.
Status readBraceItem(Scanner& s, LabelCollector& labels) {
  const std::size_t start = s.pos();
  std::string name;
  bool quoted = false;
  if (isQuote(s.peek())) {
    Result<std::string> str = readString(s);
    if (!str) {
      return str.error();
    }
    name = std::move(*str);
    quoted = true;
  } else if (isLabelStart(s.peek())) {
    while (!s.atEnd() && isLabelChar(s.peek())) {
      s.advance();
    }
    name = std::string(s.slice(start));
  } else {
    return s.error("expected a label name");
  }
  s.skipBlanks();
  if (quoted && (s.peek() == ',' || s.peek() == '}')) {
    return labels.add(s, start, std::string(kMetricNameLabel), std::move(name));
  }
  if (s.startsWith("!=") || s.startsWith("=~") || s.startsWith("!~")) {
    return s.error("only '=' matchers are allowed in series notation");
  }
  if (s.peek() != '=') {
    return s.error("expected '=' after label name " + name);
  }
  s.advance();
  s.skipBlanks();
  if (!isQuote(s.peek())) {
    return s.error("expected a quoted label value");
  }
  Result<std::string> value = readString(s);
  if (!value) {
    return value.error();
  }
  return labels.add(s, start, std::move(name), std::move(*value));
}

Status readBraces(Scanner& s, LabelCollector& labels) {
  s.advance();  // '{'
  for (;;) {
    s.skipBlanks();
    if (s.peek() == '}') {
      s.advance();
      return {};
    }
    if (s.atEnd()) {
      return s.error("expected '}'");
    }
    if (Status st = readBraceItem(s, labels); !st) {
      return st;
    }
    s.skipBlanks();
    if (s.peek() == ',') {
      s.advance();
    } else if (s.peek() != '}') {
      return s.error("expected ',' or '}' after a label");
    }
  }
}

Result<Labels> readSeries(Scanner& s) {
  s.skipBlanks();
  LabelCollector labels;
  if (isMetricStart(s.peek())) {
    const std::size_t start = s.pos();
    while (!s.atEnd() && isMetricChar(s.peek())) {
      s.advance();
    }
    if (Status st =
            labels.add(s, start, std::string(kMetricNameLabel), std::string(s.slice(start)));
        !st) {
      return st.error();
    }
    const Scanner afterName = s;
    s.skipBlanks();
    if (s.peek() != '{' || s.peek(1) == '{') {
      // No braces: the name alone is the series and the values start after it.
      s = afterName;
      return labels.build();
    }
  } else if (s.peek() != '{') {
    return s.error("expected a metric name or '{'");
  }
  if (s.peek(1) == '{') {
    return s.error("expected a series before the values");
  }
  if (Status st = readBraces(s, labels); !st) {
    return st.error();
  }
  return labels.build();
}

// An unsigned decimal repeat count after 'x'.
Result<std::size_t> readCount(Scanner& s) {
  const std::size_t start = s.pos();
  std::size_t count = 0;
  while (isDigit(s.peek())) {
    count = count * 10 + static_cast<std::size_t>(s.peek() - '0');
    if (count > kMaxSeriesPositions) {
      return s.errorAt(start, "repeat count too large");
    }
    s.advance();
  }
  if (s.pos() == start) {
    return s.error("expected a repeat count after 'x'");
  }
  return count;
}

bool matchWordNoCase(const Scanner& s, std::string_view word) {
  for (std::size_t i = 0; i < word.size(); ++i) {
    const char c = s.peek(i);
    if (c == '\0' || (c | 0x20) != word[i]) {
      return false;
    }
  }
  return true;
}

// A PromQL number: optional sign (when `signed`), then Inf/NaN in any case, or decimal digits
// with an optional fraction and exponent (a leading '.' is allowed). Hex is refused.
Result<double> readNumber(Scanner& s, bool allowSign) {
  const std::size_t start = s.pos();
  bool negative = false;
  if (allowSign && (s.peek() == '+' || s.peek() == '-')) {
    negative = s.peek() == '-';
    s.advance();
  }
  if (matchWordNoCase(s, "inf") || matchWordNoCase(s, "nan")) {
    const bool inf = (s.peek() | 0x20) == 'i';
    s.advance(3);
    const double v =
        inf ? std::numeric_limits<double>::infinity() : std::numeric_limits<double>::quiet_NaN();
    return negative ? -v : v;
  }
  const std::size_t digitsStart = s.pos();
  std::size_t mantissaDigits = 0;
  while (isDigit(s.peek())) {
    s.advance();
    ++mantissaDigits;
  }
  if (s.peek() == '.') {
    s.advance();
    while (isDigit(s.peek())) {
      s.advance();
      ++mantissaDigits;
    }
  }
  if (mantissaDigits == 0) {
    return s.errorAt(start, "expected a number");
  }
  if (s.peek() == 'e' || s.peek() == 'E') {
    s.advance();
    if (s.peek() == '+' || s.peek() == '-') {
      s.advance();
    }
    if (!isDigit(s.peek())) {
      return s.error("expected exponent digits");
    }
    while (isDigit(s.peek())) {
      s.advance();
    }
  }
  const std::string_view text = s.slice(digitsStart);
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (end != text.data() + text.size() ||
      (ec != std::errc() && ec != std::errc::result_out_of_range)) {
    return s.errorAt(start, "invalid number");
  }
  if (ec == std::errc::result_out_of_range) {
    // Go's ParseFloat gives +-Inf on overflow and 0 on underflow; keep the same values.
    v = std::strtod(std::string(text).c_str(), nullptr);
  }
  return negative ? -v : v;
}

bool atItemEnd(const Scanner& s) {
  return s.atEnd() || isBlank(s.peek());
}

class Positions {
 public:
  explicit Positions(SeriesLine& line) : line_(line) {}
  Status add(const Scanner& s, std::size_t at, std::optional<double> v, std::size_t times) {
    if (times > kMaxSeriesPositions - line_.values.size()) {
      return s.errorAt(at, "series expands to too many positions");
    }
    line_.values.insert(line_.values.end(), times, v);
    return {};
  }
  Status addSteps(const Scanner& s, std::size_t at, double start, double delta, std::size_t count) {
    if (count >= kMaxSeriesPositions - line_.values.size()) {
      return s.errorAt(at, "series expands to too many positions");
    }
    // Repeated addition, not start + i * delta, so inputs are bit-identical to upstream's.
    double v = start;
    for (std::size_t i = 0; i <= count; ++i) {
      line_.values.emplace_back(v);
      v += delta;
    }
    return {};
  }

 private:
  SeriesLine& line_;
};

// Skips one `{{...}}` histogram literal; its contents are not interpreted.
Status skipHistogram(Scanner& s) {
  const std::size_t start = s.pos();
  while (!s.atEnd() && !s.startsWith("}}")) {
    s.advance();
  }
  if (s.atEnd()) {
    return s.errorAt(start, "unterminated histogram, expected '}}'");
  }
  s.advance(2);
  return {};
}

// `{{...}}`, `{{...}}xK`, `{{...}}+{{...}}xK` or `{{...}}-{{...}}xK`.
Status readHistogramItem(Scanner& s, SeriesLine& line, Positions& out) {
  const std::size_t start = s.pos();
  line.hasHistogram = true;
  if (Status st = skipHistogram(s); !st) {
    return st;
  }
  std::size_t count = 0;
  if (s.peek() == '+' || s.peek() == '-') {
    s.advance();
    if (!s.startsWith("{{")) {
      return s.error("expected a histogram increment '{{...}}'");
    }
    if (Status st = skipHistogram(s); !st) {
      return st;
    }
    if (s.peek() != 'x') {
      return s.error("expected 'x' and a repeat count after the increment");
    }
  }
  if (s.peek() == 'x') {
    s.advance();
    Result<std::size_t> k = readCount(s);
    if (!k) {
      return k.error();
    }
    count = *k;
  }
  if (count >= kMaxSeriesPositions) {
    return s.errorAt(start, "series expands to too many positions");
  }
  return out.add(s, start, std::nullopt, count + 1);
}

// `N`, `NxK`, `N+DxK`, `N-DxK`.
Status readNumberItem(Scanner& s, Positions& out) {
  const std::size_t start = s.pos();
  Result<double> first = readNumber(s, true);
  if (!first) {
    return first.error();
  }
  if (atItemEnd(s)) {
    return out.add(s, start, *first, 1);
  }
  double delta = 0;
  if (s.peek() == '+' || s.peek() == '-') {
    const bool minus = s.peek() == '-';
    s.advance();
    Result<double> d = readNumber(s, false);
    if (!d) {
      return d.error();
    }
    delta = minus ? -*d : *d;
    if (s.peek() != 'x') {
      return s.error("expected 'x' and a repeat count after the increment");
    }
  }
  if (s.peek() != 'x') {
    return s.error("unexpected character in value");
  }
  s.advance();
  Result<std::size_t> count = readCount(s);
  if (!count) {
    return count.error();
  }
  return out.addSteps(s, start, *first, delta, *count);
}

Status readValueItem(Scanner& s, SeriesLine& line, Positions& out) {
  const std::size_t start = s.pos();
  Status st;
  if (s.startsWith("{{")) {
    st = readHistogramItem(s, line, out);
  } else if (s.peek() == '_') {
    s.advance();
    std::size_t count = 1;
    if (s.peek() == 'x') {
      s.advance();
      Result<std::size_t> k = readCount(s);
      if (!k) {
        return k.error();
      }
      count = *k;
    }
    st = out.add(s, start, std::nullopt, count);
  } else if (s.startsWith("stale")) {
    s.advance(5);
    st = out.add(s, start, staleNaN(), 1);
  } else {
    st = readNumberItem(s, out);
  }
  if (st && !atItemEnd(s)) {
    return s.error("unexpected character in value");
  }
  return st;
}

}  // namespace

Result<SeriesLine> parseSeriesLine(std::string_view text) {
  Scanner s(text);
  SeriesLine line;
  Result<Labels> labels = readSeries(s);
  if (!labels) {
    return labels.error();
  }
  line.labels = std::move(*labels);
  if (!atItemEnd(s)) {
    return s.error("expected a blank between the series and its values");
  }
  Positions out(line);
  for (s.skipBlanks(); !s.atEnd(); s.skipBlanks()) {
    if (Status st = readValueItem(s, line, out); !st) {
      return st.error();
    }
  }
  return line;
}

Result<Labels> parseSeriesLabels(std::string_view text) {
  Scanner s(text);
  Result<Labels> labels = readSeries(s);
  if (!labels) {
    return labels;
  }
  s.skipBlanks();
  if (!s.atEnd()) {
    return s.error("unexpected text after the series");
  }
  return labels;
}

Result<std::string> parseStringLiteral(std::string_view text) {
  Scanner s(text);
  if (!isQuote(s.peek())) {
    return s.error("expected a quoted string");
  }
  Result<std::string> value = readString(s);
  if (value && !s.atEnd()) {
    return s.error("unexpected text after the string");
  }
  return value;
}

}  // namespace nova::promql
