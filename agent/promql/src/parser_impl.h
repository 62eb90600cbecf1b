#pragma once

#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lexer.h"
#include "nova/promql/ast.h"

namespace nova::promql::detail {

/// Where and why a query is wrong, as a byte offset into the query.
struct Failure {
  int pos = 0;
  std::string message;
  ErrorCode code = ErrorCode::kInvalidInput;
};

/// Recursive-descent PromQL parser mirroring Prometheus's grammar and precedence:
/// or < and/unless < comparisons < + - < * / % atan2 < unary +/- < ^ (right-assoc) <
/// postfix `[range]`, `[range:step]`, `offset`, `@`.
///
/// Prometheus reports "semantic" problems found while parsing (unknown function, bad
/// offset placement...) ahead of later syntax errors, so those are recorded and parsing
/// goes on; a syntax error stops the parse.
class Parser {
 public:
  explicit Parser(std::string_view input) : input_(input), lexer_(input) {}

  /// The whole input as one expression; null with failure() set on error.
  ExprPtr parseQuery();
  /// The whole input as one series selector; nullopt with failure() set on error.
  std::optional<std::vector<Matcher>> parseSeriesSelector();

  const std::optional<Failure>& failure() const { return failure_; }
  /// The first construct met while parsing that only Prometheus evaluates (duration
  /// expressions, `anchored`/`smoothed`, `fill`), as a "not supported" refusal.
  const std::optional<Failure>& outsideSubset() const { return outsideSubset_; }

 private:
  struct SyntaxError {};  // unwinds to the entry point; never escapes the parser

  // Tokens.
  const Token& peek(std::size_t ahead = 0);
  Token take();
  Token expect(TokenKind kind, std::string_view context, std::string_view expected);
  [[noreturn]] void unexpected(const Token& token, std::string_view context,
                               std::string_view expected);
  [[noreturn]] void syntaxError(int pos, std::string message);
  void semanticError(int pos, std::string message);

  // Expressions (parser_expr.cpp).
  ExprPtr parseExpr(int minPrecedence);
  ExprPtr parseUnary();
  ExprPtr parsePostfix(ExprPtr expr);
  ExprPtr parsePrimary();
  ExprPtr parseParen();
  ExprPtr parseCall();
  ExprPtr parseAggregate();
  void parseBinaryModifiers(Binary& binary);
  void parseFillModifiers(Binary& binary);
  std::vector<ExprPtr> parseCallArgs();
  ExprPtr parseRangeOrSubquery(ExprPtr expr);
  bool atDurationLiteral(std::size_t ahead = 0);
  DurationMs parseDurationLiteral(bool positive);
  void parseOffset(Expr& expr);
  void parseAt(Expr& expr);
  void parseRangeModifier(Expr& expr);

  // Durations in `[...]` and after `offset` (parser_duration.cpp).
  /// A plain literal's value, or the source text of a duration expression.
  struct DurationArg {
    DurationMs value = 0;
    std::string expr;
  };
  bool atDurationStart(std::size_t ahead = 0);
  DurationArg parseBracketDuration(bool positive);
  DurationArg parseOffsetDuration();
  DurationArg finishDurationExpr(int start);
  void parseDurationExpr(int minPrecedence);
  void parseDurationPrimary();
  void noteOutsideSubset(int pos, std::string_view what);

  // Selectors and literals (parser_selector.cpp).
  ExprPtr parseVectorSelector();
  std::vector<Matcher> parseMatchers(int& closeEnd);
  std::vector<std::string> parseGroupingLabels();
  /// A NUMBER token's value, or a DURATION token's length in seconds.
  double parseSecondsToken(const Token& token);
  double parseNumberToken(const Token& token);
  std::string parseStringToken(const Token& token);

  void enter();
  void leave() { --depth_; }

  std::string_view input_;
  Lexer lexer_;
  std::deque<Token> lookahead_;
  int lastEnd_ = 0;
  int depth_ = 0;
  std::optional<Failure> failure_;
  std::optional<Failure> outsideSubset_;
};

/// A new node covering bytes [start, end).
template <typename Node>
ExprPtr makeExpr(Node node, int start, int end) {
  auto e = std::make_unique<Expr>();
  e->node = std::move(node);
  e->pos = PositionRange{start, end};
  return e;
}

/// Prometheus's type checks over a parsed tree; also settles VectorMatching (dropped
/// unless both sides are vectors, many-to-many for set operators).
std::optional<Failure> checkTypes(Expr& expr, std::string_view input);

/// " is not supported by the local engine; use source: prometheus"
inline constexpr std::string_view kNotSupportedLocally =
    " is not supported by the local engine; use source: prometheus";

/// The first construct outside the local engine's subset, if any.
std::optional<Failure> checkSubset(const Expr& expr);

/// Go-compatible number literal parsing (ints with 0x/octal/underscores, floats, Inf,
/// NaN); the error message on failure.
std::optional<std::string> parseNumber(std::string_view text, double& out);

}  // namespace nova::promql::detail
