// Entry points of the PromQL parser and the token plumbing shared by its parts.
#include "nova/promql/parser.h"

#include "functions_table.h"
#include "lexer_text.h"
#include "parser_impl.h"

namespace nova::promql {
namespace detail {
namespace {

// Deep enough for any real query, shallow enough that recursive printing, checking and
// destruction of the tree stay far from the stack limit.
constexpr int kMaxDepth = 1000;

ParseError toParseError(std::string_view input, const Failure& failure) {
  ParseError error;
  const LineColumn at = lineColumnAt(input, failure.pos);
  error.line = at.line;
  error.column = at.column;
  error.message = failure.message;
  error.code = failure.code;
  return error;
}

}  // namespace

const Token& Parser::peek(std::size_t ahead) {
  while (lookahead_.size() <= ahead) {
    lookahead_.push_back(lexer_.next());
  }
  return lookahead_[ahead];
}

Token Parser::take() {
  peek();
  Token t = std::move(lookahead_.front());
  lookahead_.pop_front();
  if (t.kind == TokenKind::kError) {
    syntaxError(t.pos, t.text);
  }
  lastEnd_ = t.end;
  return t;
}

Token Parser::expect(TokenKind kind, std::string_view context, std::string_view expected) {
  if (peek().kind != kind) {
    unexpected(peek(), context, expected);
  }
  return take();
}

void Parser::unexpected(const Token& token, std::string_view context, std::string_view expected) {
  if (token.kind == TokenKind::kError) {
    syntaxError(token.pos, token.text);
  }
  std::string message = "unexpected " + describe(token);
  if (!context.empty()) {
    message += " in ";
    message += context;
  }
  if (!expected.empty()) {
    message += ", expected ";
    message += expected;
  }
  syntaxError(token.pos, std::move(message));
}

void Parser::syntaxError(int pos, std::string message) {
  semanticError(pos, std::move(message));
  throw SyntaxError{};
}

void Parser::semanticError(int pos, std::string message) {
  if (!failure_) {
    failure_ = Failure{pos, std::move(message)};
  }
}

void Parser::enter() {
  if (++depth_ > kMaxDepth) {
    syntaxError(peek().pos, "expression nested too deeply");
  }
}

ExprPtr Parser::parseQuery() {
  try {
    if (peek().kind == TokenKind::kEof) {
      syntaxError(0, "no expression found in input");
    }
    ExprPtr expr = parseExpr(0);
    if (peek().kind != TokenKind::kEof) {
      unexpected(peek(), "", "");
    }
    if (failure_) {
      return nullptr;
    }
    return expr;
  } catch (const SyntaxError&) {
    return nullptr;
  }
}

std::optional<std::vector<Matcher>> Parser::parseSeriesSelector() {
  try {
    ExprPtr expr = parseVectorSelector();
    if (peek().kind != TokenKind::kEof) {
      unexpected(peek(), "", "");
    }
    if (failure_) {
      return std::nullopt;
    }
    return std::get<VectorSelector>(expr->node).matchers;
  } catch (const SyntaxError&) {
    return std::nullopt;
  }
}

}  // namespace detail

std::string ParseError::toString() const {
  return std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

Error ParseError::toError() const {
  return Error{code, toString()};
}

ParseResult parse(std::string_view query, const ParseOptions& options) {
  detail::Parser parser(query);
  ExprPtr expr = parser.parseQuery();
  std::optional<detail::Failure> failure = parser.failure();
  if (!failure) {
    failure = detail::checkTypes(*expr, query);
  }
  if (!failure && !options.allowOutsideSubset) {
    // The refusal names whichever unsupported construct comes first in the text.
    failure = detail::checkSubset(*expr);
    const std::optional<detail::Failure>& noted = parser.outsideSubset();
    if (noted && (!failure || noted->pos < failure->pos)) {
      failure = noted;
    }
  }
  if (failure) {
    return detail::toParseError(query, *failure);
  }
  return ParseResult(std::move(expr));
}

Result<std::vector<Matcher>> parseSelector(std::string_view text) {
  detail::Parser parser(text);
  auto matchers = parser.parseSeriesSelector();
  if (!matchers) {
    return detail::toParseError(text, *parser.failure()).toError();
  }
  return std::move(*matchers);
}

bool isFunctionSupportedLocally(std::string_view name) {
  const detail::FunctionInfo* f = detail::findFunction(name);
  return f != nullptr && f->supportedLocally;
}

bool isAggregationSupportedLocally(AggregateOp op) {
  return detail::isAggregationSupportedLocally(op);
}

}  // namespace nova::promql
