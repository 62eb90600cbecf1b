// Durations inside `[...]` and after `offset`. A plain literal keeps its value; anything
// else is one of Prometheus's experimental duration expressions (arithmetic, step(),
// range(), min_of(), max_of()). Those are checked for syntax and kept as source text:
// only Prometheus evaluates them.
#include <string>

#include "lexer_text.h"
#include "parser_impl.h"

namespace nova::promql::detail {
namespace {

constexpr std::string_view kExpected = "number, duration, step(), or range()";
constexpr int kPowPrecedence = 3;

// Binary operators of duration expressions and their precedence (as in PromQL).
int durationPrecedence(TokenKind kind) {
  switch (kind) {
    case TokenKind::kAdd:
    case TokenKind::kSub:
      return 1;
    case TokenKind::kMul:
    case TokenKind::kDiv:
    case TokenKind::kMod:
      return 2;
    case TokenKind::kPow:
      return kPowPrecedence;
    default:
      return 0;
  }
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return out;
}

bool isSign(TokenKind kind) {
  return kind == TokenKind::kAdd || kind == TokenKind::kSub;
}

}  // namespace

void Parser::noteOutsideSubset(int pos, std::string_view what) {
  if (!outsideSubset_ || pos < outsideSubset_->pos) {
    outsideSubset_ =
        Failure{pos, std::string(what) + std::string(kNotSupportedLocally), ErrorCode::kRefused};
  }
}

bool Parser::atDurationStart(std::size_t ahead) {
  const Token& t = peek(ahead);
  switch (t.kind) {
    case TokenKind::kNumber:
    case TokenKind::kDuration:
    case TokenKind::kLeftParen:
    case TokenKind::kAdd:
    case TokenKind::kSub:
      return true;
    case TokenKind::kIdentifier: {
      const std::string name = lower(t.text);
      return (name == "step" || name == "range" || name == "min_of" || name == "max_of") &&
             peek(ahead + 1).kind == TokenKind::kLeftParen;
    }
    default:
      return false;
  }
}

Parser::DurationArg Parser::parseBracketDuration(bool positive) {
  // A plain (signed) literal directly followed by "]" or ":" keeps its old meaning.
  const std::size_t literalEnd = isSign(peek().kind) ? 2 : 1;
  if (atDurationLiteral() && (peek(literalEnd).kind == TokenKind::kRightBracket ||
                              peek(literalEnd).kind == TokenKind::kColon)) {
    return DurationArg{parseDurationLiteral(positive), {}};
  }
  const int start = peek().pos;
  parseDurationExpr(0);
  return finishDurationExpr(start);
}

Parser::DurationArg Parser::parseOffsetDuration() {
  // After `offset` only a (signed) literal, call or parenthesis belongs to the duration:
  // `x offset 5m + 1` and `x offset step() * 2` add to / multiply the selector.
  if (atDurationLiteral()) {
    return DurationArg{parseDurationLiteral(false), {}};
  }
  const int start = peek().pos;
  if (isSign(peek().kind)) {
    take();
  }
  parseDurationPrimary();
  return finishDurationExpr(start);
}

Parser::DurationArg Parser::finishDurationExpr(int start) {
  noteOutsideSubset(start, "duration expression");
  const auto from = static_cast<std::size_t>(start);
  return DurationArg{0,
                     std::string(input_.substr(from, static_cast<std::size_t>(lastEnd_) - from))};
}

void Parser::parseDurationExpr(int minPrecedence) {
  enter();
  if (isSign(peek().kind)) {
    take();
    // A sign binds like `*`: tighter than + and -, looser than ^.
    parseDurationExpr(durationPrecedence(TokenKind::kMul) + 1);
  } else {
    parseDurationPrimary();
  }
  for (;;) {
    const TokenKind kind = peek().kind;
    const int precedence = durationPrecedence(kind);
    if (precedence == 0 || precedence < minPrecedence) {
      break;
    }
    take();
    // `^` is right-associative; the others are left-associative.
    parseDurationExpr(kind == TokenKind::kPow ? precedence : precedence + 1);
  }
  leave();
}

void Parser::parseDurationPrimary() {
  const Token& t = peek();
  if (t.kind == TokenKind::kNumber || t.kind == TokenKind::kDuration) {
    parseSecondsToken(take());  // validates the literal
    return;
  }
  if (t.kind == TokenKind::kLeftParen) {
    take();
    parseDurationExpr(0);
    expect(TokenKind::kRightParen, "duration expression", "\")\"");
    return;
  }
  if (!atDurationStart() || t.kind != TokenKind::kIdentifier) {
    unexpected(t, "duration expression", kExpected);
  }
  const std::string name = lower(take().text);
  take();  // "("
  if (name == "min_of" || name == "max_of") {
    parseDurationExpr(0);
    expect(TokenKind::kComma, "duration expression", "\",\"");
    parseDurationExpr(0);
  }
  expect(TokenKind::kRightParen, "duration expression", "\")\"");
}

}  // namespace nova::promql::detail
