#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "nova/core/result.h"
#include "nova/core/time.h"
#include "nova/promql/value.h"

namespace re2 {
class RE2;
}

namespace nova::promql {

/// Byte offsets [start, end) of a node in the query text; errors map them to line:column.
struct PositionRange {
  int start = 0;
  int end = 0;
};

enum class MatchOp { kEqual, kNotEqual, kRegexMatch, kRegexNoMatch };

/// A label matcher. Regular expressions are RE2, fully anchored as in Prometheus.
class Matcher {
 public:
  /// Fails when a regular expression does not compile (the message says why).
  static Result<Matcher> create(MatchOp op, std::string name, std::string value);

  bool matches(std::string_view value) const;
  MatchOp op() const { return op_; }
  const std::string& name() const { return name_; }
  const std::string& value() const { return value_; }

 private:
  Matcher(MatchOp op, std::string name, std::string value);
  MatchOp op_;
  std::string name_;
  std::string value_;
  std::shared_ptr<const re2::RE2> regex_;
};

enum class BinaryOp {
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
  kPow,
  kEql,
  kNeq,
  kGtr,
  kLss,
  kGte,
  kLte,
  kAnd,
  kOr,
  kUnless,
  kAtan2,
};

bool isComparison(BinaryOp op);
bool isSetOperator(BinaryOp op);
std::string_view toString(BinaryOp op);

enum class AggregateOp {
  kSum,
  kAvg,
  kMin,
  kMax,
  kCount,
  kGroup,
  kStddev,
  kStdvar,
  kTopk,
  kBottomk,
  kQuantile,
  kCountValues,
  kLimitk,
  kLimitRatio,
};

std::string_view toString(AggregateOp op);

/// How the two sides of a binary operation between vectors are matched.
struct VectorMatching {
  enum class Cardinality { kOneToOne, kManyToOne, kOneToMany, kManyToMany };
  Cardinality card = Cardinality::kOneToOne;
  /// true for `on(...)`, false for `ignoring(...)` (or no modifier).
  bool on = false;
  std::vector<std::string> labels;
  /// Extra labels of group_left/group_right.
  std::vector<std::string> include;
};

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct NumberLiteral {
  double value = 0;
};

struct StringLiteral {
  std::string value;
};

/// `@ start()` / `@ end()`: pins evaluation to the range query's start or end (instant
/// queries: the evaluation time).
enum class AtAnchor { kNone, kStart, kEnd };

/// `anchored` / `smoothed` after a selector: Prometheus's experimental extended range
/// selectors. Outside the local subset.
enum class RangeModifier { kNone, kAnchored, kSmoothed };

std::string_view toString(RangeModifier modifier);

struct VectorSelector {
  /// The metric name if written outside braces (also present as a __name__ matcher).
  std::string name;
  std::vector<Matcher> matchers;
  DurationMs offset = 0;
  /// `@ <timestamp>` in milliseconds, when given.
  std::optional<TimestampMs> at;
  /// `@ start()` / `@ end()`, when given (then `at` is empty).
  AtAnchor atAnchor = AtAnchor::kNone;
  /// `anchored` / `smoothed`, on an instant selector or (for a range) after the brackets.
  RangeModifier rangeModifier = RangeModifier::kNone;
  /// An offset written as a duration expression (`offset step()`, `offset (1h / 2)`): its
  /// source text, and `offset` stays 0. Outside the local subset.
  std::string offsetExpr;
};

struct MatrixSelector {
  VectorSelector selector;
  DurationMs range = 0;
  /// A range written as a duration expression (`[5m + step()]`): its source text, and
  /// `range` stays 0. Outside the local subset.
  std::string rangeExpr;
};

struct Subquery {
  ExprPtr expr;
  DurationMs range = 0;
  DurationMs step = 0;
  DurationMs offset = 0;
  /// `@ <timestamp>` in milliseconds, when given.
  std::optional<TimestampMs> at;
  /// `@ start()` / `@ end()`, when given (then `at` is empty).
  AtAnchor atAnchor = AtAnchor::kNone;
  /// Range, step and offset written as duration expressions: their source text (the
  /// matching duration stays 0). Outside the local subset.
  std::string rangeExpr;
  std::string stepExpr;
  std::string offsetExpr;
};

struct Call {
  std::string function;
  std::vector<ExprPtr> args;
};

struct Aggregate {
  AggregateOp op = AggregateOp::kSum;
  ExprPtr expr;
  /// The parameter of topk, quantile, count_values...; null for the others.
  ExprPtr param;
  std::vector<std::string> grouping;
  bool without = false;
};

struct Binary {
  BinaryOp op = BinaryOp::kAdd;
  ExprPtr lhs;
  ExprPtr rhs;
  /// Comparison with the `bool` modifier.
  bool returnBool = false;
  /// Set when both sides are vectors.
  std::optional<VectorMatching> matching;
  /// `fill(v)`, `fill_left(v)`, `fill_right(v)`: the value standing in for a missing
  /// left / right operand. Experimental upstream; outside the local subset.
  std::optional<double> fillLeft;
  std::optional<double> fillRight;
};

struct Unary {
  bool negate = false;
  ExprPtr expr;
};

struct Paren {
  ExprPtr expr;
};

struct Expr {
  std::variant<NumberLiteral, StringLiteral, VectorSelector, MatrixSelector, Subquery, Call,
               Aggregate, Binary, Unary, Paren>
      node;
  PositionRange pos;

  /// The type the expression evaluates to.
  ValueType type() const;
};

/// A compact canonical dump of the tree for golden tests, e.g.
/// `sum by (job) (rate(http_requests_total{job="api"}[5m]))`: the expression printed back
/// as PromQL with every optional part normalised.
std::string toString(const Expr& expr);

}  // namespace nova::promql
