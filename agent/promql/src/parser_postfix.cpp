// Postfix forms: `[range]`, `[range:step]`, `offset`, `@` and the duration literals they
// take. They bind tighter than every operator, so they apply to the primary just parsed.
#include <cmath>
#include <string>

#include "parser_impl.h"

namespace nova::promql::detail {

ExprPtr Parser::parsePostfix(ExprPtr expr) {
  for (;;) {
    switch (peek().kind) {
      case TokenKind::kLeftBracket:
        expr = parseRangeOrSubquery(std::move(expr));
        break;
      case TokenKind::kOffset:
        parseOffset(*expr);
        break;
      case TokenKind::kAt:
        parseAt(*expr);
        break;
      case TokenKind::kAnchored:
      case TokenKind::kSmoothed:
        parseRangeModifier(*expr);
        break;
      default:
        return expr;
    }
  }
}

bool Parser::atDurationLiteral(std::size_t ahead) {
  const TokenKind kind = peek(ahead).kind;
  if (kind == TokenKind::kAdd || kind == TokenKind::kSub) {
    const TokenKind next = peek(ahead + 1).kind;
    return next == TokenKind::kNumber || next == TokenKind::kDuration;
  }
  return kind == TokenKind::kNumber || kind == TokenKind::kDuration;
}

DurationMs Parser::parseDurationLiteral(bool positive) {
  const int start = peek().pos;
  double sign = 1;
  if (peek().kind == TokenKind::kAdd || peek().kind == TokenKind::kSub) {
    sign = take().kind == TokenKind::kSub ? -1 : 1;
  }
  const double seconds = sign * parseSecondsToken(take());
  // Prometheus keeps durations as int64 nanoseconds.
  constexpr double kMaxSeconds = 9223372036.854775807;
  if (!(seconds <= kMaxSeconds && seconds >= -kMaxSeconds)) {
    semanticError(start, "duration out of range");
    return 0;
  }
  if (positive && seconds <= 0) {
    semanticError(start, "duration must be greater than 0");
    return 0;
  }
  return static_cast<DurationMs>(std::llround(seconds * 1000.0));
}

ExprPtr Parser::parseRangeOrSubquery(ExprPtr expr) {
  const Token open = take();
  if (!atDurationStart()) {
    unexpected(peek(), "subquery or range selector", "number, duration, step(), or range()");
  }
  DurationArg range = parseBracketDuration(true);
  if (peek().kind == TokenKind::kRightBracket) {
    const Token close = take();
    auto* selector = std::get_if<VectorSelector>(&expr->node);
    if (selector == nullptr) {
      semanticError(open.pos, "ranges only allowed for vector selectors");
      return expr;
    }
    if (selector->offset != 0) {
      semanticError(open.pos, "no offset modifiers allowed before range");
    } else if (selector->at || selector->atAnchor != AtAnchor::kNone) {
      semanticError(open.pos, "no @ modifiers allowed before range");
    }
    MatrixSelector matrix;
    matrix.selector = std::move(*selector);
    matrix.range = range.value;
    matrix.rangeExpr = std::move(range.expr);
    return makeExpr(std::move(matrix), expr->pos.start, close.end);
  }
  if (peek().kind != TokenKind::kColon) {
    unexpected(peek(), "subquery or range", "\":\" or \"]\"");
  }
  take();
  Subquery subquery;
  subquery.range = range.value;
  subquery.rangeExpr = std::move(range.expr);
  if (atDurationStart()) {
    DurationArg step = parseBracketDuration(true);
    subquery.step = step.value;
    subquery.stepExpr = std::move(step.expr);
    if (peek().kind != TokenKind::kRightBracket) {
      unexpected(peek(), "subquery selector", "\"]\"");
    }
  } else if (peek().kind != TokenKind::kRightBracket) {
    unexpected(peek(), "subquery selector", "number, duration, step(), range(), or \"]\"");
  }
  const Token close = take();
  const int start = expr->pos.start;
  subquery.expr = std::move(expr);
  return makeExpr(std::move(subquery), start, close.end);
}

void Parser::parseOffset(Expr& expr) {
  take();
  if (!atDurationStart()) {
    unexpected(peek(), "offset", "number, duration, step(), or range()");
  }
  DurationArg offset = parseOffsetDuration();
  DurationMs* target = nullptr;
  std::string* targetExpr = nullptr;
  if (auto* vs = std::get_if<VectorSelector>(&expr.node)) {
    target = &vs->offset;
    targetExpr = &vs->offsetExpr;
  } else if (auto* ms = std::get_if<MatrixSelector>(&expr.node)) {
    target = &ms->selector.offset;
    targetExpr = &ms->selector.offsetExpr;
  } else if (auto* sq = std::get_if<Subquery>(&expr.node)) {
    target = &sq->offset;
    targetExpr = &sq->offsetExpr;
  } else {
    semanticError(expr.pos.start,
                  "offset modifier must be preceded by an instant vector selector or range "
                  "vector selector or a subquery");
    return;
  }
  if (*target != 0 || !targetExpr->empty()) {
    semanticError(expr.pos.start, "offset may not be set multiple times");
    return;
  }
  *target = offset.value;
  *targetExpr = std::move(offset.expr);
  expr.pos.end = lastEnd_;
}

void Parser::parseRangeModifier(Expr& expr) {
  const Token t = take();
  const RangeModifier modifier =
      t.kind == TokenKind::kAnchored ? RangeModifier::kAnchored : RangeModifier::kSmoothed;
  const std::string name(toString(modifier));
  VectorSelector* target = std::get_if<VectorSelector>(&expr.node);
  if (auto* ms = std::get_if<MatrixSelector>(&expr.node)) {
    target = &ms->selector;
  }
  if (target == nullptr) {
    semanticError(t.pos, name +
                             " modifier must be preceded by an instant vector selector or range "
                             "vector selector");
    return;
  }
  if (target->rangeModifier != RangeModifier::kNone) {
    semanticError(t.pos, "anchored or smoothed modifier may not be set multiple times");
    return;
  }
  target->rangeModifier = modifier;
  noteOutsideSubset(t.pos, "`" + name + "` modifier");
  expr.pos.end = lastEnd_;
}

void Parser::parseAt(Expr& expr) {
  take();
  AtAnchor anchor = AtAnchor::kNone;
  double seconds = 0;
  const TokenKind kind = peek().kind;
  if (kind == TokenKind::kStart || kind == TokenKind::kEnd) {
    take();
    expect(TokenKind::kLeftParen, "@", "\"(\"");
    expect(TokenKind::kRightParen, "@", "\")\"");
    anchor = kind == TokenKind::kStart ? AtAnchor::kStart : AtAnchor::kEnd;
  } else {
    double sign = 1;
    if (kind == TokenKind::kAdd || kind == TokenKind::kSub) {
      sign = take().kind == TokenKind::kSub ? -1 : 1;
    }
    if (peek().kind != TokenKind::kNumber && peek().kind != TokenKind::kDuration) {
      unexpected(peek(), "@", "timestamp");
    }
    seconds = sign * parseSecondsToken(take());
    // Bounds such that seconds * 1000 fits in an int64.
    constexpr double kLimit = 9.2e15;
    if (!(seconds < kLimit && seconds > -kLimit)) {
      // Go's %f spelling of the value.
      const std::string shown = std::isnan(seconds)   ? "NaN"
                                : std::isinf(seconds) ? (seconds > 0 ? "+Inf" : "-Inf")
                                                      : std::to_string(seconds);
      semanticError(expr.pos.start, "timestamp out of bounds for @ modifier: " + shown);
      return;
    }
  }
  std::optional<TimestampMs>* at = nullptr;
  AtAnchor* atAnchor = nullptr;
  if (auto* vs = std::get_if<VectorSelector>(&expr.node)) {
    at = &vs->at;
    atAnchor = &vs->atAnchor;
  } else if (auto* ms = std::get_if<MatrixSelector>(&expr.node)) {
    at = &ms->selector.at;
    atAnchor = &ms->selector.atAnchor;
  } else if (auto* sq = std::get_if<Subquery>(&expr.node)) {
    at = &sq->at;
    atAnchor = &sq->atAnchor;
  } else {
    semanticError(expr.pos.start,
                  "@ modifier must be preceded by an instant vector selector or range vector "
                  "selector or a subquery");
    return;
  }
  if (at->has_value() || *atAnchor != AtAnchor::kNone) {
    semanticError(expr.pos.start, "@ <timestamp> may not be set multiple times");
    return;
  }
  if (anchor != AtAnchor::kNone) {
    *atAnchor = anchor;
  } else {
    *at = static_cast<TimestampMs>(std::llround(seconds * 1000.0));
  }
  expr.pos.end = lastEnd_;
}

}  // namespace nova::promql::detail
