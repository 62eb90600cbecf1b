#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "import_condition.h"

namespace nova::rules::detail {

/// What a measurement counts as in a situation of its result.
enum class Verdict { kFail, kPass, kError };

/// How an analysis tool judges one measurement, per situation of the query's result.
struct FailureSpec {
  Verdict onEmpty = Verdict::kError;
  Verdict onNaN = Verdict::kError;
  /// For a number: fails when `comparison` holds, always, or never.
  enum class OnValue { kThreshold, kAlways, kNever };
  OnValue onValue = OnValue::kNever;
  std::optional<ValueComparison> comparison;
  /// Some situation is neither a success nor a failure for Argo (both conditions false).
  bool inconclusive = false;
};

/// The FailureSpec of an Argo metric's successCondition and failureCondition (either may be
/// absent); nullopt with `why` when they cannot be one rule.
std::optional<FailureSpec> argoFailure(const std::optional<ConditionAnalysis>& success,
                                       const std::optional<ConditionAnalysis>& failure,
                                       std::string& why);

/// The query as PromQL text and what the parts built over it need to know.
struct QueryText {
  std::string text;
  /// The query gives a scalar (wrapped in vector() to be counted and compared).
  bool scalar = false;
  /// A selector, call, aggregation or parenthesis: needs no parentheses of its own.
  bool atomic = false;
};

/// The expression, guard and threshold of an agent rule that breaches exactly when a
/// measurement of `query` fails by `spec`, and is unknown where it is an error: a NaN or
/// empty result that fails breaches (through `or on() vector(<a value past the
/// threshold>)`), one that passes is not judged (a guard counting the samples that are
/// judged). nullopt with `why` when nothing can ever fail.
struct RuleParts {
  std::string expr;
  std::optional<std::string> guard;
  Threshold threshold;
};
std::optional<RuleParts> buildRuleParts(const QueryText& query, const FailureSpec& spec,
                                        std::string& why);

}  // namespace nova::rules::detail
