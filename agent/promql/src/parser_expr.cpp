// Expressions: binary operators by precedence climbing, unary signs, postfix range,
// subquery, offset and @ modifiers, and the primary forms.
#include <cmath>
#include <limits>

#include "functions_table.h"
#include "lexer_text.h"
#include "nova/core/suggest.h"
#include "parser_impl.h"

namespace nova::promql::detail {
namespace {

constexpr int kPowPrecedence = 6;

int precedence(BinaryOp op) {
  switch (op) {
    case BinaryOp::kOr:
      return 1;
    case BinaryOp::kAnd:
    case BinaryOp::kUnless:
      return 2;
    case BinaryOp::kEql:
    case BinaryOp::kNeq:
    case BinaryOp::kGtr:
    case BinaryOp::kLss:
    case BinaryOp::kGte:
    case BinaryOp::kLte:
      return 3;
    case BinaryOp::kAdd:
    case BinaryOp::kSub:
      return 4;
    case BinaryOp::kMul:
    case BinaryOp::kDiv:
    case BinaryOp::kMod:
    case BinaryOp::kAtan2:
      return 5;
    case BinaryOp::kPow:
      return kPowPrecedence;
  }
  return 0;
}

// Tokens that Prometheus accepts as a metric name in expression position.
bool isMetricNameKeyword(TokenKind kind) {
  switch (kind) {
    case TokenKind::kAggregator:
    case TokenKind::kBy:
    case TokenKind::kWithout:
    case TokenKind::kLand:
    case TokenKind::kLor:
    case TokenKind::kLunless:
    case TokenKind::kOffset:
    case TokenKind::kStart:
    case TokenKind::kEnd:
    case TokenKind::kSmoothed:
    case TokenKind::kAnchored:
      return true;
    default:
      return false;
  }
}

std::vector<std::string_view> callableNames() {
  std::vector<std::string_view> names(functionNames().begin(), functionNames().end());
  for (std::string_view agg :
       {"sum", "avg", "count", "min", "max", "group", "stddev", "stdvar", "topk", "bottomk",
        "count_values", "quantile", "limitk", "limit_ratio"}) {
    names.push_back(agg);
  }
  return names;
}

}  // namespace

ExprPtr Parser::parseExpr(int minPrecedence) {
  enter();
  ExprPtr lhs = parseUnary();
  int chained = 0;
  for (;;) {
    const std::optional<BinaryOp> op = binaryOpOf(peek().kind);
    if (!op || precedence(*op) < minPrecedence) {
      break;
    }
    take();
    Binary binary;
    binary.op = *op;
    parseBinaryModifiers(binary);
    // `^` is right-associative; the others are left-associative.
    const int next = *op == BinaryOp::kPow ? precedence(*op) : precedence(*op) + 1;
    ExprPtr rhs = parseExpr(next);
    const int start = lhs->pos.start;
    const int end = rhs->pos.end;
    binary.lhs = std::move(lhs);
    binary.rhs = std::move(rhs);
    lhs = makeExpr(std::move(binary), start, end);
    enter();  // each link of a chain deepens the tree
    ++chained;
  }
  depth_ -= chained + 1;
  return lhs;
}

void Parser::parseBinaryModifiers(Binary& binary) {
  if (peek().kind == TokenKind::kBool) {
    take();
    binary.returnBool = true;
  }
  VectorMatching matching;
  const TokenKind kind = peek().kind;
  if (kind == TokenKind::kOn || kind == TokenKind::kIgnoring) {
    take();
    matching.on = kind == TokenKind::kOn;
    matching.labels = parseGroupingLabels();
    const TokenKind group = peek().kind;
    if (group == TokenKind::kGroupLeft || group == TokenKind::kGroupRight) {
      take();
      matching.card = group == TokenKind::kGroupLeft ? VectorMatching::Cardinality::kManyToOne
                                                     : VectorMatching::Cardinality::kOneToMany;
      if (peek().kind == TokenKind::kLeftParen) {
        matching.include = parseGroupingLabels();
      }
    }
  }
  // Settled by the type check once the operand types are known.
  binary.matching = std::move(matching);
  parseFillModifiers(binary);
}

// `fill(v)`, `fill_left(v)`, `fill_right(v)` after the matching part. They are plain
// identifiers elsewhere: `a + fill` adds the metric `fill`.
void Parser::parseFillModifiers(Binary& binary) {
  for (;;) {
    const Token& t = peek();
    if (t.kind != TokenKind::kIdentifier || peek(1).kind != TokenKind::kLeftParen ||
        (t.text != "fill" && t.text != "fill_left" && t.text != "fill_right")) {
      return;
    }
    const Token name = take();
    take();  // "("
    double sign = 1;
    if (peek().kind == TokenKind::kAdd || peek().kind == TokenKind::kSub) {
      sign = take().kind == TokenKind::kSub ? -1 : 1;
    }
    if (peek().kind != TokenKind::kNumber) {
      unexpected(peek(), "fill modifier", "number");
    }
    const double value = sign * parseNumberToken(take());
    expect(TokenKind::kRightParen, "fill modifier", "\")\"");
    const bool left = name.text != "fill_right";
    const bool right = name.text != "fill_left";
    if ((left && binary.fillLeft) || (right && binary.fillRight)) {
      semanticError(name.pos, "fill modifier may not be set multiple times");
    }
    if (left) {
      binary.fillLeft = value;
    }
    if (right) {
      binary.fillRight = value;
    }
    noteOutsideSubset(name.pos, "fill modifier");
  }
}

ExprPtr Parser::parseUnary() {
  const TokenKind kind = peek().kind;
  if (kind != TokenKind::kAdd && kind != TokenKind::kSub) {
    return parsePostfix(parsePrimary());
  }
  const Token sign = take();
  // A sign binds like `*`: tighter than every binary operator but `^`.
  ExprPtr operand = parseExpr(kPowPrecedence);
  const int end = operand->pos.end;
  if (auto* number = std::get_if<NumberLiteral>(&operand->node)) {
    // Folded as Prometheus does, so `-1` is the literal -1.
    if (kind == TokenKind::kSub) {
      number->value = -number->value;
    }
    operand->pos.start = sign.pos;
    return operand;
  }
  Unary unary;
  unary.negate = kind == TokenKind::kSub;
  unary.expr = std::move(operand);
  return makeExpr(std::move(unary), sign.pos, end);
}

ExprPtr Parser::parsePrimary() {
  const Token& t = peek();
  switch (t.kind) {
    case TokenKind::kNumber:
    case TokenKind::kDuration: {
      // A duration in expression position is its number of seconds ("5m" is 300).
      const Token token = take();
      return makeExpr(NumberLiteral{parseSecondsToken(token)}, token.pos, token.end);
    }
    case TokenKind::kString: {
      const Token token = take();
      return makeExpr(StringLiteral{parseStringToken(token)}, token.pos, token.end);
    }
    case TokenKind::kLeftParen:
      return parseParen();
    case TokenKind::kLeftBrace:
    case TokenKind::kMetricIdentifier:
      return parseVectorSelector();
    case TokenKind::kIdentifier:
      if (peek(1).kind == TokenKind::kLeftParen) {
        return parseCall();
      }
      if (peek(1).kind == TokenKind::kBy || peek(1).kind == TokenKind::kWithout) {
        std::string message = "unknown aggregation " + t.text;
        const std::vector<std::string_view> names = callableNames();
        if (auto hint = closestMatch(t.text, names)) {
          message += "; did you mean " + *hint + "?";
        }
        syntaxError(t.pos, std::move(message));
      }
      return parseVectorSelector();
    case TokenKind::kAggregator: {
      const TokenKind next = peek(1).kind;
      if (next == TokenKind::kLeftParen || next == TokenKind::kBy || next == TokenKind::kWithout) {
        return parseAggregate();
      }
      return parseVectorSelector();
    }
    case TokenKind::kStart:
    case TokenKind::kEnd:
      if (peek(1).kind == TokenKind::kLeftParen) {
        return parseCall();  // the start() and end() functions
      }
      return parseVectorSelector();
    default:
      if (isMetricNameKeyword(t.kind)) {
        return parseVectorSelector();
      }
      unexpected(t, "", "");
  }
}

ExprPtr Parser::parseParen() {
  const Token open = take();
  ExprPtr inner = parseExpr(0);
  if (peek().kind != TokenKind::kRightParen) {
    unexpected(peek(), "", "\")\"");
  }
  const Token close = take();
  return makeExpr(Paren{std::move(inner)}, open.pos, close.end);
}

ExprPtr Parser::parseCall() {
  const Token name = take();
  if (findFunction(name.text) == nullptr) {
    std::string message = "unknown function " + name.text;
    const std::vector<std::string_view> names = callableNames();
    if (auto hint = closestMatch(name.text, names)) {
      message += "; did you mean " + *hint + "?";
    }
    semanticError(name.pos, std::move(message));
  }
  Call call;
  call.function = name.text;
  call.args = parseCallArgs();
  return makeExpr(std::move(call), name.pos, lastEnd_);
}

std::vector<ExprPtr> Parser::parseCallArgs() {
  take();  // "("
  std::vector<ExprPtr> args;
  if (peek().kind == TokenKind::kRightParen) {
    take();
    return args;
  }
  for (;;) {
    args.push_back(parseExpr(0));
    if (peek().kind == TokenKind::kRightParen) {
      take();
      return args;
    }
    if (peek().kind != TokenKind::kComma) {
      unexpected(peek(), "", "\",\" or \")\"");
    }
    const Token comma = take();
    if (peek().kind == TokenKind::kRightParen) {
      semanticError(comma.pos, "trailing commas not allowed in function call args");
      take();
      return args;
    }
  }
}

ExprPtr Parser::parseAggregate() {
  const Token op = take();
  Aggregate aggregate;
  aggregate.op = op.aggregate;
  bool grouped = false;
  auto modifier = [&] {
    const TokenKind kind = peek().kind;
    if (kind == TokenKind::kBy || kind == TokenKind::kWithout) {
      take();
      aggregate.without = kind == TokenKind::kWithout;
      aggregate.grouping = parseGroupingLabels();
      grouped = true;
    }
  };
  modifier();
  if (peek().kind != TokenKind::kLeftParen) {
    unexpected(peek(), "aggregation", "");
  }
  std::vector<ExprPtr> args = parseCallArgs();
  const int end = lastEnd_;
  if (!grouped) {
    modifier();
  }
  const bool hasParam =
      aggregate.op == AggregateOp::kTopk || aggregate.op == AggregateOp::kBottomk ||
      aggregate.op == AggregateOp::kQuantile || aggregate.op == AggregateOp::kCountValues ||
      aggregate.op == AggregateOp::kLimitk || aggregate.op == AggregateOp::kLimitRatio;
  const std::size_t wanted = hasParam ? 2 : 1;
  if (args.empty()) {
    semanticError(op.pos, "no arguments for aggregate expression provided");
  } else if (args.size() != wanted) {
    semanticError(op.pos, "wrong number of arguments for aggregate expression provided, expected " +
                              std::to_string(wanted) + ", got " + std::to_string(args.size()));
  } else {
    if (hasParam) {
      aggregate.param = std::move(args[0]);
    }
    aggregate.expr = std::move(args[wanted - 1]);
  }
  if (!aggregate.expr) {
    // Keep the tree well-formed; the recorded error fails the parse anyway.
    aggregate.expr = makeExpr(NumberLiteral{0}, op.pos, op.end);
  }
  return makeExpr(std::move(aggregate), op.pos, grouped ? lastEnd_ : end);
}

}  // namespace nova::promql::detail
