#include "lexer.h"

#include <algorithm>
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
  if (isAlpha(c)) {
    // step(), range(), min_of(...), max_of(...) of duration expressions. No ':' here, so
    // a subquery step stays separate, and no keywords: the parser compares the text.
    while (pos_ < input_.size() && isAlphaNumeric(input_[pos_])) {
      ++pos_;
    }
    gotDuration_ = true;
    return make(TokenKind::kIdentifier);
  }
  ++pos_;
  switch (c) {
    case ',':
      return make(TokenKind::kComma);
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

Token Lexer::lexWord() {
  while (pos_ < input_.size() && (isAlphaNumeric(input_[pos_]) || input_[pos_] == ':')) {
    ++pos_;
  }
  const std::string_view word = input_.substr(start_, pos_ - start_);
  TokenKind kind = TokenKind::kIdentifier;
  AggregateOp aggregate = AggregateOp::kSum;
  if (lookupKeyword(word, kind, aggregate)) {
    Token t = make(kind);
    t.aggregate = aggregate;
    return t;
  }
  return make(word.find(':') == std::string_view::npos ? TokenKind::kIdentifier
                                                       : TokenKind::kMetricIdentifier);
}

}  // namespace nova::promql::detail
