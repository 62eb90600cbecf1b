#include "lexer.h"

#include <algorithm>
#include <array>
#include <utility>

#include "lexer_text.h"

namespace nova::promql::detail {
namespace {

bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}
bool isAlphaNumeric(char c) {
  return isAlpha(c) || isDigit(c);
}

struct Keyword {
  std::string_view word;
  TokenKind kind;
  AggregateOp aggregate = AggregateOp::kSum;
};

// Matched case-insensitively, as Prometheus does.
constexpr std::array<Keyword, 32> kKeywords = {{
    {"and", TokenKind::kLand},
    {"or", TokenKind::kLor},
    {"unless", TokenKind::kLunless},
    {"atan2", TokenKind::kAtan2},
    {"sum", TokenKind::kAggregator, AggregateOp::kSum},
    {"avg", TokenKind::kAggregator, AggregateOp::kAvg},
    {"count", TokenKind::kAggregator, AggregateOp::kCount},
    {"min", TokenKind::kAggregator, AggregateOp::kMin},
    {"max", TokenKind::kAggregator, AggregateOp::kMax},
    {"group", TokenKind::kAggregator, AggregateOp::kGroup},
    {"stddev", TokenKind::kAggregator, AggregateOp::kStddev},
    {"stdvar", TokenKind::kAggregator, AggregateOp::kStdvar},
    {"topk", TokenKind::kAggregator, AggregateOp::kTopk},
    {"bottomk", TokenKind::kAggregator, AggregateOp::kBottomk},
    {"count_values", TokenKind::kAggregator, AggregateOp::kCountValues},
    {"quantile", TokenKind::kAggregator, AggregateOp::kQuantile},
    {"limitk", TokenKind::kAggregator, AggregateOp::kLimitk},
    {"limit_ratio", TokenKind::kAggregator, AggregateOp::kLimitRatio},
    {"offset", TokenKind::kOffset},
    {"smoothed", TokenKind::kSmoothed},
    {"anchored", TokenKind::kAnchored},
    {"by", TokenKind::kBy},
    {"without", TokenKind::kWithout},
    {"on", TokenKind::kOn},
    {"ignoring", TokenKind::kIgnoring},
    {"group_left", TokenKind::kGroupLeft},
    {"group_right", TokenKind::kGroupRight},
    {"bool", TokenKind::kBool},
    {"start", TokenKind::kStart},
    {"end", TokenKind::kEnd},
    {"inf", TokenKind::kNumber},
    {"nan", TokenKind::kNumber},
}};

bool equalsLower(std::string_view word, std::string_view lower) {
  if (word.size() != lower.size()) {
    return false;
  }
  for (std::size_t i = 0; i < word.size(); ++i) {
    char c = word[i];
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
    if (c != lower[i]) {
      return false;
    }
  }
  return true;
}

const Keyword* findKeyword(std::string_view word) {
  for (const Keyword& k : kKeywords) {
    if (equalsLower(word, k.word)) {
      return &k;
    }
  }
  return nullptr;
}

}  // namespace

bool isAlpha(char c) {
  return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool isDigit(char c) {
  return c >= '0' && c <= '9';
}

char Lexer::peek(std::size_t ahead) const {
  return pos_ + ahead < input_.size() ? input_[pos_ + ahead] : '\0';
}

Token Lexer::make(TokenKind kind) {
  Token t;
  t.kind = kind;
  t.pos = static_cast<int>(start_);
  t.end = static_cast<int>(pos_);
  t.text = std::string(input_.substr(start_, pos_ - start_));
  start_ = pos_;
  return t;
}

Token Lexer::error(std::string message) {
  Token t;
  t.kind = TokenKind::kError;
  t.pos = static_cast<int>(start_);
  t.end = static_cast<int>(input_.size());
  t.text = std::move(message);
  done_ = true;
  return t;
}

void Lexer::skipSpaceAndComments() {
  for (;;) {
    while (pos_ < input_.size() && isSpace(input_[pos_])) {
      ++pos_;
    }
    if (!bracketOpen_ && peek() == '#') {
      while (pos_ < input_.size() && input_[pos_] != '\n' && input_[pos_] != '\r') {
        ++pos_;
      }
      continue;
    }
    break;
  }
  start_ = pos_;
}

Token Lexer::next() {
  if (done_) {
    start_ = input_.size();
    pos_ = input_.size();
    return make(TokenKind::kEof);
  }
  skipSpaceAndComments();
  if (braceOpen_) {
    return lexInsideBraces();
  }
  if (bracketOpen_) {
    return lexInsideBrackets();
  }
  return lexStatement();
}

Token Lexer::lexStatement() {
  if (pos_ >= input_.size()) {
    if (parenDepth_ != 0) {
      return error("unclosed left parenthesis");
    }
    done_ = true;
    return make(TokenKind::kEof);
  }
  const char c = input_[pos_++];
  switch (c) {
    case ',':
      return make(TokenKind::kComma);
    case '*':
      return make(TokenKind::kMul);
    case '/':
      return make(TokenKind::kDiv);
    case '%':
      return make(TokenKind::kMod);
    case '+':
      return make(TokenKind::kAdd);
    case '-':
      return make(TokenKind::kSub);
    case '^':
      return make(TokenKind::kPow);
    case '@':
      return make(TokenKind::kAt);
    case '=':
      if (peek() == '=') {
        ++pos_;
        return make(TokenKind::kEqlc);
      }
      if (peek() == '~') {
        return error("unexpected character after '=': '~'");
      }
      return make(TokenKind::kAssign);
    case '!':
      if (peek() != '=') {
        return error("unexpected character after '!': " + quoteRune(input_, pos_));
      }
      ++pos_;
      return make(TokenKind::kNeq);
    case '<':
      if (peek() == '=') {
        ++pos_;
        return make(TokenKind::kLte);
      }
      return make(TokenKind::kLss);
    case '>':
      if (peek() == '=') {
        ++pos_;
        return make(TokenKind::kGte);
      }
      return make(TokenKind::kGtr);
    case '"':
    case '\'':
    case '`':
      return lexString(c);
    case '(':
      ++parenDepth_;
      return make(TokenKind::kLeftParen);
    case ')':
      if (--parenDepth_ < 0) {
        return error("unexpected right parenthesis ')'");
      }
      return make(TokenKind::kRightParen);
    case '{':
      braceOpen_ = true;
      return make(TokenKind::kLeftBrace);
    case '[':
      bracketOpen_ = true;
      gotColon_ = false;
      gotDuration_ = false;
      return make(TokenKind::kLeftBracket);
    case ']':
      return error("unexpected right bracket ']'");
    default:
      break;
  }
  --pos_;
  if (isDigit(c) || (c == '.' && isDigit(peek(1)))) {
    return lexNumberOrDuration();
  }
  if (isAlpha(c) || c == ':') {
    return lexWord();
  }
  return error("unexpected character: " + quoteRune(input_, pos_));
}

Token Lexer::lexInsideBraces() {
  if (pos_ >= input_.size()) {
    return error("unexpected end of input inside braces");
  }
  const char c = input_[pos_];
  if (isAlpha(c)) {
    while (pos_ < input_.size() && isAlphaNumeric(input_[pos_])) {
      ++pos_;
    }
    return make(TokenKind::kIdentifier);
  }
  ++pos_;
  switch (c) {
    case ',':
      return make(TokenKind::kComma);
    case '"':
    case '\'':
    case '`':
      return lexString(c);
    case '=':
      if (peek() == '~') {
        ++pos_;
        return make(TokenKind::kEqlRegex);
      }
      return make(TokenKind::kAssign);
    case '!':
      if (peek() == '~') {
        ++pos_;
        return make(TokenKind::kNeqRegex);
      }
      if (peek() == '=') {
        ++pos_;
        return make(TokenKind::kNeq);
      }
      return error("unexpected character after '!' inside braces: " + quoteRune(input_, pos_));
    case '{':
      return error("unexpected left brace '{'");
    case '}':
      braceOpen_ = false;
      return make(TokenKind::kRightBrace);
    default:
      --pos_;
      return error("unexpected character inside braces: " + quoteRune(input_, pos_));
  }
}

Token Lexer::lexInsideBrackets() {
  if (pos_ >= input_.size()) {
    return error("unexpected end of input in duration expression");
  }
  const char c = input_[pos_];
  if (isDigit(c) || (c == '.' && isDigit(peek(1)))) {
    gotDuration_ = true;
    return lexNumberOrDuration();
  }
  ++pos_;
  switch (c) {
    case ']':
      bracketOpen_ = false;
      return make(TokenKind::kRightBracket);
    case ':':
      if (!gotDuration_) {
        return error("unexpected colon before duration in duration expression");
      }
      if (gotColon_) {
        return error("unexpected repeated colon in duration expression");
      }
      gotColon_ = true;
      return make(TokenKind::kColon);
    case '+':
      return make(TokenKind::kAdd);
    case '-':
      return make(TokenKind::kSub);
    case '*':
      return make(TokenKind::kMul);
    case '/':
      return make(TokenKind::kDiv);
    case '%':
      return make(TokenKind::kMod);
    case '^':
      return make(TokenKind::kPow);
    case '(':
      ++parenDepth_;
      return make(TokenKind::kLeftParen);
    case ')':
      if (--parenDepth_ < 0) {
        return error("unexpected right parenthesis ')'");
      }
      return make(TokenKind::kRightParen);
    default:
      --pos_;
      return error("unexpected character in duration expression: " + quoteRune(input_, pos_));
  }
}

Token Lexer::lexString(char quote) {
  // The opening quote is consumed. Escapes are validated by unquote() below so the
  // messages match Prometheus's ("unknown escape sequence U+0071 'q'").
  while (pos_ < input_.size()) {
    const char c = input_[pos_];
    if (c == quote) {
      ++pos_;
      Token t = make(TokenKind::kString);
      std::string ignored;
      if (auto err = unquote(t.text, ignored)) {
        start_ = static_cast<std::size_t>(t.pos);
        return error(*err);
      }
      return t;
    }
    if (quote != '`' && c == '\n') {
      break;
    }
    if (quote != '`' && c == '\\') {
      pos_ += 2;
      continue;
    }
    ++pos_;
  }
  pos_ = std::min(pos_, input_.size());
  return error(quote == '`' ? "unterminated raw string" : "unterminated quoted string");
}

bool Lexer::scanNumber() {
  const std::size_t initial = pos_;
  std::string_view digits = "0123456789";
  auto in = [&](std::string_view set) {
    return pos_ < input_.size() && set.find(peek()) != std::string_view::npos;
  };
  auto accept = [&](std::string_view set) {
    if (in(set)) {
      ++pos_;
      return true;
    }
    return false;
  };
  bool hex = false;
  if (peek() == '0' && (peek(1) == 'x' || peek(1) == 'X')) {
    pos_ += 2;
    accept("_");
    digits = "0123456789abcdefABCDEF";
    hex = true;
  }
  accept(".");
  accept(digits);
  bool dot = false;
  bool exponent = false;
  const std::string all = std::string(digits) + "._" + (hex ? "" : "eE");
  while (in(all)) {
    if (in(".")) {
      if (dot || hex) {
        ++pos_;
        return false;
      }
      ++pos_;
      dot = true;
      if (accept("_.")) {
        return false;
      }
      continue;
    }
    if (!hex && in("eE")) {
      if (exponent) {
        ++pos_;
        return false;
      }
      ++pos_;
      exponent = true;
      accept("+-");
      if (accept("._eE") || pos_ >= input_.size()) {
        return false;
      }
      continue;
    }
    if (accept("_")) {
      if (accept("._eE") || pos_ >= input_.size()) {
        return false;
      }
      continue;
    }
    while (accept(digits)) {
    }
  }
  if (pos_ == initial) {
    return false;
  }
  return !isAlphaNumeric(peek());
}

bool Lexer::scanDurationRest() {
  auto accept = [&](std::string_view set) {
    if (pos_ < input_.size() && set.find(peek()) != std::string_view::npos) {
      ++pos_;
      return true;
    }
    return false;
  };
  if (!accept("smhdwy")) {
    return false;
  }
  accept("s");
  while (accept("0123456789")) {
    while (accept("0123456789")) {
    }
    if (!accept("smhdw")) {
      return false;
    }
    accept("s");
  }
  return !isAlphaNumeric(peek());
}

Token Lexer::lexNumberOrDuration() {
  if (scanNumber()) {
    return make(TokenKind::kNumber);
  }
  // Not a number: the units of a duration ("5m", "1h30m") may follow what was scanned.
  if (scanDurationRest()) {
    return make(TokenKind::kDuration);
  }
  return error("bad number or duration syntax: \"" +
               std::string(input_.substr(start_, pos_ - start_)) + "\"");
}

Token Lexer::lexWord() {
  while (pos_ < input_.size() && (isAlphaNumeric(input_[pos_]) || input_[pos_] == ':')) {
    ++pos_;
  }
  const std::string_view word = input_.substr(start_, pos_ - start_);
  if (const Keyword* k = findKeyword(word)) {
    Token t = make(k->kind);
    t.aggregate = k->aggregate;
    return t;
  }
  return make(word.find(':') == std::string_view::npos ? TokenKind::kIdentifier
                                                       : TokenKind::kMetricIdentifier);
}

}  // namespace nova::promql::detail

namespace nova::promql::detail {

std::optional<BinaryOp> binaryOpOf(TokenKind kind) {
  switch (kind) {
    case TokenKind::kAdd:
      return BinaryOp::kAdd;
    case TokenKind::kSub:
      return BinaryOp::kSub;
    case TokenKind::kMul:
      return BinaryOp::kMul;
    case TokenKind::kDiv:
      return BinaryOp::kDiv;
    case TokenKind::kMod:
      return BinaryOp::kMod;
    case TokenKind::kPow:
      return BinaryOp::kPow;
    case TokenKind::kEqlc:
      return BinaryOp::kEql;
    case TokenKind::kNeq:
      return BinaryOp::kNeq;
    case TokenKind::kLss:
      return BinaryOp::kLss;
    case TokenKind::kLte:
      return BinaryOp::kLte;
    case TokenKind::kGtr:
      return BinaryOp::kGtr;
    case TokenKind::kGte:
      return BinaryOp::kGte;
    case TokenKind::kLand:
      return BinaryOp::kAnd;
    case TokenKind::kLor:
      return BinaryOp::kOr;
    case TokenKind::kLunless:
      return BinaryOp::kUnless;
    case TokenKind::kAtan2:
      return BinaryOp::kAtan2;
    default:
      return std::nullopt;
  }
}

std::string describe(const Token& token) {
  auto truncated = [&](std::string_view kind) {
    if (token.text.size() > 10) {
      return std::string(kind) + " " + quote(token.text.substr(0, 10)) + "...";
    }
    return std::string(kind) + " " + quote(token.text);
  };
  switch (token.kind) {
    case TokenKind::kEof:
      return "end of input";
    case TokenKind::kError:
      return token.text;
    case TokenKind::kIdentifier:
      return "identifier " + quote(token.text);
    case TokenKind::kMetricIdentifier:
      return "metric identifier " + quote(token.text);
    case TokenKind::kNumber:
      return truncated("number");
    case TokenKind::kDuration:
      return truncated("duration");
    case TokenKind::kString:
      return truncated("string");
    case TokenKind::kAggregator:
      return "<aggr:" + token.text + ">";
    case TokenKind::kLeftParen:
    case TokenKind::kRightParen:
    case TokenKind::kLeftBrace:
    case TokenKind::kRightBrace:
    case TokenKind::kLeftBracket:
    case TokenKind::kRightBracket:
    case TokenKind::kComma:
    case TokenKind::kAssign:
    case TokenKind::kColon:
    case TokenKind::kAt:
      return quote(token.text);
    case TokenKind::kOffset:
    case TokenKind::kBy:
    case TokenKind::kWithout:
    case TokenKind::kOn:
    case TokenKind::kIgnoring:
    case TokenKind::kGroupLeft:
    case TokenKind::kGroupRight:
    case TokenKind::kBool:
    case TokenKind::kStart:
    case TokenKind::kEnd:
    case TokenKind::kSmoothed:
    case TokenKind::kAnchored:
      return "<" + token.text + ">";
    default:
      return "<op:" + token.text + ">";
  }
}

}  // namespace nova::promql::detail
