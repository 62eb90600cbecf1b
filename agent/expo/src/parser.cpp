// Line dispatch, metadata lines and the value/timestamp tail of sample lines.

#include "nova/expo/parser.h"

#include <cstring>
#include <limits>
#include <string>

#include "float_cache.h"
#include "number.h"
#include "scan.h"

namespace nova::expo {

using detail::is;
using detail::isBlank;
using detail::skipBlanks;

namespace {

std::string quoteForMessage(std::string_view text) {
  constexpr std::size_t kMax = 40;
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size() && i < kMax; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7F) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    } else {
      out += static_cast<char>(c);
    }
  }
  out += text.size() > kMax ? "\"..." : "\"";
  return out;
}

std::string_view trimBlanks(std::string_view s) {
  while (!s.empty() && isBlank(s.front())) {
    s.remove_prefix(1);
  }
  while (!s.empty() && isBlank(s.back())) {
    s.remove_suffix(1);
  }
  return s;
}

std::optional<MetricType> parseType(std::string_view text) {
  if (text == "counter") {
    return MetricType::kCounter;
  }
  if (text == "gauge") {
    return MetricType::kGauge;
  }
  if (text == "histogram") {
    return MetricType::kHistogram;
  }
  if (text == "summary") {
    return MetricType::kSummary;
  }
  if (text == "untyped") {
    return MetricType::kUntyped;
  }
  return std::nullopt;
}

// HELP text escapes only backslash and newline; anything else after a backslash stays as is.
void unescapeHelp(std::string_view text, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && (text[i + 1] == '\\' || text[i + 1] == 'n')) {
      out += text[i + 1] == 'n' ? '\n' : '\\';
      ++i;
    } else {
      out += text[i];
    }
  }
}

// 0 (unlimited) becomes the largest size, so each limit costs one comparison per use.
ParseLimits effectiveLimits(ParseLimits limits) {
  for (std::size_t* limit :
       {&limits.maxLineBytes, &limits.maxLabelsPerSample, &limits.maxLabelNameBytes,
        &limits.maxLabelValueBytes, &limits.maxSamples}) {
    if (*limit == 0) {
      *limit = std::numeric_limits<std::size_t>::max();
    }
  }
  return limits;
}

}  // namespace

Parser::Parser(std::string_view body, ParseLimits limits)
    : body_(body), limits_(effectiveLimits(limits)) {}

Parser::~Parser() = default;
Parser::Parser(Parser&&) noexcept = default;
Parser& Parser::operator=(Parser&&) noexcept = default;

bool Parser::fail(std::size_t pos, std::string message) {
  error_ = ParseError{line_, pos - lineStart_ + 1, std::move(message)};
  done_ = true;
  return false;
}

bool Parser::failGot(std::size_t pos, std::size_t lineEnd, std::string_view expected) {
  return fail(pos, std::string(expected) + ", got " + detail::describeByte(body_, pos, lineEnd));
}

bool Parser::next(SampleView& out) {
  while (!done_ && pos_ < body_.size()) {
    ++line_;
    lineStart_ = pos_;
    const std::size_t lineEnd = detail::findNewline(body_, pos_);
    if (lineEnd - pos_ > limits_.maxLineBytes) [[unlikely]] {
      return fail(pos_ + limits_.maxLineBytes,
                  "line longer than " + std::to_string(limits_.maxLineBytes) + " bytes");
    }
    bool isSample = false;
    if (!parseLine(lineEnd, out, isSample)) {
      return false;
    }
    pos_ = lineEnd < body_.size() ? lineEnd + 1 : lineEnd;
    if (isSample) {
      if (samplesSeen_ >= limits_.maxSamples) [[unlikely]] {
        return fail(lineStart_,
                    "more than " + std::to_string(limits_.maxSamples) + " samples in one body");
      }
      ++samplesSeen_;
      return true;
    }
  }
  done_ = true;
  return false;
}

bool Parser::parseLine(std::size_t lineEnd, SampleView& out, bool& isSample) {
  const std::size_t pos = skipBlanks(body_, pos_, lineEnd);
  if (pos == lineEnd) {
    return true;
  }
  if (body_[pos] == '#') {
    return parseComment(pos, lineEnd);
  }
  isSample = true;
  return parseSample(pos, lineEnd, out);
}

bool Parser::parseComment(std::size_t pos, std::size_t lineEnd) {
  // Like Prometheus: "#" blanks "HELP"|"TYPE" blanks starts metadata; anything else, "# EOF"
  // included, is an ordinary comment.
  std::size_t p = pos + 1;
  if (p < lineEnd && isBlank(body_[p])) {
    p = skipBlanks(body_, p, lineEnd);
    const std::string_view rest = body_.substr(p, lineEnd - p);
    const bool help = rest.starts_with("HELP");
    const bool type = rest.starts_with("TYPE");
    if ((help || type) && rest.size() > 4 && isBlank(rest[4])) {
      return parseMeta(skipBlanks(body_, p + 4, lineEnd), lineEnd, type);
    }
  }
  const void* nul = std::memchr(body_.data() + pos, 0, lineEnd - pos);
  if (nul != nullptr) {
    return fail(static_cast<std::size_t>(static_cast<const char*>(nul) - body_.data()),
                "NUL byte in comment");
  }
  return true;
}

bool Parser::parseMeta(std::size_t pos, std::size_t lineEnd, bool isType) {
  const std::string_view keyword = isType ? "TYPE" : "HELP";
  std::string_view name;
  std::size_t p = pos;
  if (p < lineEnd && body_[p] == '"') {
    bool escaped = false;
    if (!parseQuoted(p, lineEnd, name, escaped, "metric name")) {
      return false;
    }
    if (escaped) {
      scratch_.clear();
      detail::unescapeQuoted(name, scratch_);
      name = scratch_;
    }
  } else if (p < lineEnd && is(body_[p], detail::kNameStart)) {
    while (p < lineEnd && is(body_[p], detail::kNameChar)) {
      ++p;
    }
    name = body_.substr(pos, p - pos);
  } else {
    return failGot(p, lineEnd, "expected metric name after " + std::string(keyword));
  }
  if (p < lineEnd && !isBlank(body_[p])) {
    return failGot(p, lineEnd, "expected space after metric name in " + std::string(keyword));
  }
  if (name.empty()) {
    return fail(pos, "empty metric name in " + std::string(keyword));
  }
  if (name != familyName_) {
    if (name.data() == scratch_.data()) {
      name = escapedFamilyNames_.emplace_back(name);
    }
    familyName_ = name;
    familyType_ = MetricType::kUntyped;
    familyHelp_ = {};
  }
  // As Prometheus, the text starts after one separator; further blanks belong to it.
  const std::size_t textPos = p < lineEnd ? p + 1 : lineEnd;
  const std::string_view text = body_.substr(textPos, lineEnd - textPos);
  if (!isType) {
    const detail::TextScan scan = detail::scanText(text);
    if (scan.badPos != std::string_view::npos) {
      return fail(textPos + scan.badPos,
                  scan.badIsNul ? "NUL byte in HELP text" : "HELP text is not valid UTF-8");
    }
    if (scan.hasBackslash) {
      unescapeHelp(text, helpStorage_);
      familyHelp_ = helpStorage_;
    } else {
      familyHelp_ = text;
    }
    return true;
  }
  const std::string_view word = trimBlanks(text);
  const auto type = parseType(word);
  if (!type) {
    return fail(textPos + static_cast<std::size_t>(word.data() - text.data()),
                "unknown metric type " + quoteForMessage(word) +
                    " (expected counter, gauge, histogram, summary or untyped)");
  }
  // A repeated TYPE for one family is accepted and the last one wins, as in Prometheus:
  // refusing it would fail the whole scrape over metadata.
  familyType_ = *type;
  return true;
}

bool Parser::parseValueAndTimestamp(std::size_t pos, std::size_t lineEnd, SampleView& out) {
  std::size_t p = skipBlanks(body_, pos, lineEnd);
  if (p == pos && p < lineEnd && body_[p] != '{') {
    return failGot(p, lineEnd, "expected space before value");
  }
  std::size_t q =
      p == pos ? std::string_view::npos : detail::parsePlainValue(body_, p, lineEnd, out.value);
  if (q == std::string_view::npos) [[unlikely]] {
    q = detail::skipClass(body_, p, lineEnd, detail::kValueChar);
    if (q == p) {
      return failGot(p, lineEnd, "expected value after metric");
    }
    const std::string_view token = body_.substr(p, q - p);
    if (const char* why = detail::parseValue(token, out.value)) {
      return fail(p, std::string("invalid sample value ") + quoteForMessage(token) + ": " + why);
    }
  }
  out.timestamp.reset();
  p = skipBlanks(body_, q, lineEnd);
  if (p == lineEnd) {
    return true;
  }
  if (p == q || !is(body_[p], detail::kDigit)) {
    return failGot(p, lineEnd, "expected timestamp or end of line after value");
  }
  q = p;
  while (q < lineEnd && is(body_[q], detail::kDigit)) {
    ++q;
  }
  if (q < lineEnd && !isBlank(body_[q])) {
    return failGot(q, lineEnd, "invalid timestamp: expected integer milliseconds");
  }
  std::int64_t ts = 0;
  if (const char* why = detail::parseTimestamp(body_.substr(p, q - p), ts)) {
    return fail(p, why);
  }
  const std::size_t end = skipBlanks(body_, q, lineEnd);
  if (end != lineEnd) {
    return failGot(end, lineEnd, "expected end of line after timestamp");
  }
  out.timestamp = ts;
  return true;
}

}  // namespace nova::expo
