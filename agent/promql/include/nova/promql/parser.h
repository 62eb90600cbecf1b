#pragma once

#include <string>
#include <string_view>

#include "nova/core/result.h"
#include "nova/promql/ast.h"

namespace nova::promql {

/// A syntax or type error at a place in the query.
struct ParseError {
  int line = 1;    ///< 1-based line in the query text
  int column = 1;  ///< 1-based column (in bytes)
  std::string message;
  /// kInvalidInput for syntax and type errors; kRefused for a construct outside the local
  /// engine's subset ("... is not supported by the local engine; use source: prometheus").
  ErrorCode code = ErrorCode::kInvalidInput;

  /// "1:17: unknown function ratee; did you mean rate?"
  std::string toString() const;
  /// The same as an Error: `code` and toString().
  Error toError() const;
};

/// Options for what the parser accepts.
struct ParseOptions {
  /// The local engine evaluates all of stable PromQL over float samples. When false, the
  /// rest is refused (kRefused) with "... is not supported by the local engine; use
  /// source: prometheus": Prometheus's experimental functions and aggregations (limitk,
  /// limit_ratio, mad_over_time, info...), duration expressions, `anchored`/`smoothed` and
  /// `fill` modifiers, and the functions of native histograms.
  bool allowOutsideSubset = false;
};

/// The parsed query or where and why it is wrong. Type-checks as Prometheus does
/// (e.g. `expected type range vector in call to function "rate", got instant vector`).
class ParseResult {
 public:
  ParseResult(ExprPtr expr) : expr_(std::move(expr)) {}        // NOLINT: implicit by design
  ParseResult(ParseError error) : error_(std::move(error)) {}  // NOLINT: implicit by design
  bool ok() const { return expr_ != nullptr; }
  const Expr& expr() const { return *expr_; }
  ExprPtr release() { return std::move(expr_); }
  const ParseError& error() const { return error_; }

 private:
  ExprPtr expr_;
  ParseError error_;
};

ParseResult parse(std::string_view query, const ParseOptions& options = {});

/// Parses a series selector such as `up{job="api"}` into matchers (for `absent`, the
/// series notation of tests, and the HTTP API).
Result<std::vector<Matcher>> parseSelector(std::string_view text);

/// Whether the local engine evaluates the function `name` (exact, case-sensitive name).
/// parse() with allowOutsideSubset == false refuses calls of the others.
bool isFunctionSupportedLocally(std::string_view name);

/// Whether the local engine evaluates the aggregation `op`.
bool isAggregationSupportedLocally(AggregateOp op);

}  // namespace nova::promql
