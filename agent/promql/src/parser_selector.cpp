// Vector selectors, label matchers, grouping labels and literal tokens.
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>

#include "lexer_text.h"
#include "nova/core/labels.h"
#include "nova/core/time.h"
#include "parser_impl.h"

namespace nova::promql::detail {
namespace {

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) {
      return false;
    }
  }
  return true;
}

// Go's rule: an underscore must sit between digits (a base prefix counts as a digit).
bool underscoresOk(std::string_view s) {
  char saw = '^';
  std::size_t i = 0;
  bool hex = false;
  if (s.size() >= 2 && s[0] == '0' &&
      (lower(s[1]) == 'x' || lower(s[1]) == 'o' || lower(s[1]) == 'b')) {
    i = 2;
    saw = '0';
    hex = lower(s[1]) == 'x';
  }
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (isDigit(c) || (hex && lower(c) >= 'a' && lower(c) <= 'f')) {
      saw = '0';
      continue;
    }
    if (c == '_') {
      if (saw != '0') {
        return false;
      }
      saw = '_';
      continue;
    }
    if (saw == '_') {
      return false;
    }
    saw = '!';
  }
  return saw != '_';
}

// Parses digits of `base` into an int64; false on overflow or a bad digit.
bool parseInteger(std::string_view digits, int base, std::int64_t& out) {
  if (digits.empty()) {
    return false;
  }
  const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out, base);
  return ec == std::errc() && ptr == digits.data() + digits.size();
}

}  // namespace

std::optional<std::string> parseNumber(std::string_view text, double& out) {
  if (equalsIgnoreCase(text, "inf") || equalsIgnoreCase(text, "infinity")) {
    out = std::numeric_limits<double>::infinity();
    return std::nullopt;
  }
  if (equalsIgnoreCase(text, "nan")) {
    out = std::numeric_limits<double>::quiet_NaN();
    return std::nullopt;
  }
  const std::string invalid = "strconv.ParseFloat: parsing " + quote(text) + ": invalid syntax";
  if (text.find('_') != std::string_view::npos && !underscoresOk(text)) {
    return invalid;
  }
  std::string s;
  for (char c : text) {
    if (c != '_') {
      s += c;
    }
  }
  std::int64_t integer = 0;
  if (s.size() > 2 && s[0] == '0' && lower(s[1]) == 'x') {
    if (!parseInteger(std::string_view(s).substr(2), 16, integer)) {
      return invalid;  // Go has no hex float without a 'p' exponent
    }
    out = static_cast<double>(integer);
    return std::nullopt;
  }
  if (s.size() > 1 && s[0] == '0' && parseInteger(std::string_view(s).substr(1), 8, integer)) {
    out = static_cast<double>(integer);  // a leading 0 means octal, as in Go
    return std::nullopt;
  }
  if (parseInteger(s, 10, integer)) {
    out = static_cast<double>(integer);
    return std::nullopt;
  }
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec == std::errc::result_out_of_range) {
    return "strconv.ParseFloat: parsing " + quote(text) + ": value out of range";
  }
  if (ec != std::errc() || ptr != s.data() + s.size()) {
    return invalid;
  }
  return std::nullopt;
}

double Parser::parseNumberToken(const Token& token) {
  double value = 0;
  if (auto err = parseNumber(token.text, value)) {
    semanticError(token.pos, "error parsing number: " + *err);
  }
  return value;
}

std::string Parser::parseStringToken(const Token& token) {
  std::string value;
  if (auto err = unquote(token.text, value)) {
    semanticError(token.pos, "error unquoting string " + quote(token.text) + ": " + *err);
  }
  return value;
}

double Parser::parseSecondsToken(const Token& token) {
  if (token.kind == TokenKind::kNumber) {
    return parseNumberToken(token);
  }
  Result<DurationMs> d = nova::parseDuration(token.text);
  if (!d.ok()) {
    semanticError(token.pos, "not a valid duration string: " + quote(token.text));
    return 0;
  }
  return static_cast<double>(*d) / 1000.0;
}

ExprPtr Parser::parseVectorSelector() {
  const Token& first = peek();
  const int start = first.pos;
  VectorSelector vs;
  if (first.kind != TokenKind::kLeftBrace) {
    const bool nameLike = first.kind == TokenKind::kIdentifier ||
                          first.kind == TokenKind::kMetricIdentifier ||
                          first.kind == TokenKind::kAggregator || first.kind == TokenKind::kBy ||
                          first.kind == TokenKind::kWithout || first.kind == TokenKind::kLand ||
                          first.kind == TokenKind::kLor || first.kind == TokenKind::kLunless ||
                          first.kind == TokenKind::kOffset || first.kind == TokenKind::kStart ||
                          first.kind == TokenKind::kEnd || first.kind == TokenKind::kAnchored ||
                          first.kind == TokenKind::kSmoothed;
    if (!nameLike) {
      unexpected(first, "", "");
    }
    vs.name = take().text;
  }
  if (peek().kind == TokenKind::kLeftBrace) {
    int closeEnd = 0;
    vs.matchers = parseMatchers(closeEnd);
  }
  if (!vs.name.empty()) {
    // Prometheus appends the matcher for a name written outside the braces.
    vs.matchers.push_back(
        Matcher::create(MatchOp::kEqual, std::string(kMetricNameLabel), vs.name).value());
  }
  auto e = std::make_unique<Expr>();
  e->node = std::move(vs);
  e->pos = PositionRange{start, lastEnd_};
  return e;
}

std::vector<Matcher> Parser::parseMatchers(int& closeEnd) {
  take();  // "{"
  std::vector<Matcher> matchers;
  for (;;) {
    if (peek().kind == TokenKind::kRightBrace) {
      break;
    }
    const TokenKind kind = peek().kind;
    if (kind != TokenKind::kIdentifier && kind != TokenKind::kString) {
      unexpected(peek(), "label matching", "identifier or \"}\"");
    }
    const Token label = take();
    std::string name = kind == TokenKind::kString ? parseStringToken(label) : label.text;
    const TokenKind after = peek().kind;
    if (kind == TokenKind::kString &&
        (after == TokenKind::kComma || after == TokenKind::kRightBrace)) {
      // {"metric.name"}: a quoted metric name inside the braces.
      matchers.push_back(
          Matcher::create(MatchOp::kEqual, std::string(kMetricNameLabel), name).value());
    } else {
      MatchOp op = MatchOp::kEqual;
      switch (after) {
        case TokenKind::kAssign:
          op = MatchOp::kEqual;
          break;
        case TokenKind::kNeq:
          op = MatchOp::kNotEqual;
          break;
        case TokenKind::kEqlRegex:
          op = MatchOp::kRegexMatch;
          break;
        case TokenKind::kNeqRegex:
          op = MatchOp::kRegexNoMatch;
          break;
        default:
          unexpected(peek(), "label matching", "label matching operator");
      }
      take();
      if (peek().kind != TokenKind::kString) {
        unexpected(peek(), "label matching", "string");
      }
      std::string value = parseStringToken(take());
      Result<Matcher> m = Matcher::create(op, std::move(name), std::move(value));
      if (m.ok()) {
        matchers.push_back(std::move(*m));
      } else {
        semanticError(label.pos, m.error().message);
      }
    }
    if (peek().kind == TokenKind::kComma) {
      take();
      continue;
    }
    if (peek().kind != TokenKind::kRightBrace) {
      unexpected(peek(), "label matching", "\",\" or \"}\"");
    }
  }
  closeEnd = take().end;
  return matchers;
}

std::vector<std::string> Parser::parseGroupingLabels() {
  if (peek().kind != TokenKind::kLeftParen) {
    unexpected(peek(), "grouping opts", "\"(\"");
  }
  take();
  std::vector<std::string> labels;
  for (;;) {
    if (peek().kind == TokenKind::kRightParen) {
      break;
    }
    const Token& t = peek();
    if (t.kind == TokenKind::kString) {
      labels.push_back(parseStringToken(take()));
    } else if (!t.text.empty() && isAlpha(t.text[0]) && isLegacyLabelName(t.text) &&
               t.kind != TokenKind::kNumber) {
      labels.push_back(take().text);
    } else {
      unexpected(t, "grouping opts", "label");
    }
    if (peek().kind == TokenKind::kComma) {
      take();
      continue;
    }
    if (peek().kind != TokenKind::kRightParen) {
      unexpected(peek(), "grouping opts", "\",\" or \")\"");
    }
  }
  take();
  return labels;
}

}  // namespace nova::promql::detail
