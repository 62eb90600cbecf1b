// From "when does a measurement fail" to an agent rule's expression, guard and threshold.
#include "import_failure.h"

#include <cmath>
#include <limits>
#include <utility>

#include "nova/rules/template.h"

namespace nova::rules::detail {
namespace {

Verdict verdictOf(const std::optional<ConditionAnalysis>& success,
                  const std::optional<ConditionAnalysis>& failure,
                  Outcome ConditionAnalysis::*situation, bool& inconclusive) {
  const Outcome s = success ? (*success).*situation : Outcome::kTrue;
  const Outcome f = failure ? (*failure).*situation : Outcome::kFalse;
  if (s == Outcome::kError || f == Outcome::kError) {
    return Verdict::kError;
  }
  if (failure) {
    if (f == Outcome::kTrue) {
      return Verdict::kFail;
    }
    inconclusive = inconclusive || (success && s == Outcome::kFalse);
    return Verdict::kPass;
  }
  return s == Outcome::kFalse ? Verdict::kFail : Verdict::kPass;
}

Threshold negated(Threshold t) {
  switch (t.op) {
    case ThresholdOp::kGreater:
      return {ThresholdOp::kLessEqual, t.value};
    case ThresholdOp::kGreaterEqual:
      return {ThresholdOp::kLess, t.value};
    case ThresholdOp::kLess:
      return {ThresholdOp::kGreaterEqual, t.value};
    case ThresholdOp::kLessEqual:
      return {ThresholdOp::kGreater, t.value};
    case ThresholdOp::kEqual:
      return {ThresholdOp::kNotEqual, t.value};
    default:
      return {ThresholdOp::kEqual, t.value};
  }
}

// A value that breaches `t`, standing in for a result that fails by having no number.
std::string breachingValue(const Threshold& t) {
  switch (t.op) {
    case ThresholdOp::kGreater:
    case ThresholdOp::kGreaterEqual:
      return "+Inf";
    case ThresholdOp::kLess:
    case ThresholdOp::kLessEqual:
      return "-Inf";
    case ThresholdOp::kEqual:
      return formatValue(t.value, ValueFormat::kPlain);
    default:
      return t.value == 0 ? "1" : formatValue(-t.value, ValueFormat::kPlain);
  }
}

std::string parens(const QueryText& q, const std::string& x) {
  return q.atomic && !q.scalar ? x : "(" + x + ")";
}

}  // namespace

std::optional<FailureSpec> argoFailure(const std::optional<ConditionAnalysis>& success,
                                       const std::optional<ConditionAnalysis>& failure,
                                       std::string& why) {
  if (!success && !failure) {
    why =
        "it has no successCondition or failureCondition: Argo counts every measurement "
        "successful";
    return std::nullopt;
  }
  std::optional<ConditionAnalysis> failing = failure;
  if (success && failure && success->comparison && failure->comparison &&
      !(*success->comparison == *failure->comparison)) {
    ValueComparison opposite = *failure->comparison;
    opposite.comparison = negated(opposite.comparison);
    if (!(*success->comparison == opposite)) {
      why =
          "successCondition and failureCondition compare result[0] differently: the "
          "agent's threshold is one comparison";
      return std::nullopt;
    }
    // The same comparison, written the other way round: its situations swap.
    std::swap(failing->whenHolds, failing->whenNot);
    failing->comparison = success->comparison;
  }
  FailureSpec spec;
  spec.comparison = success && success->comparison ? success->comparison
                                                   : (failing ? failing->comparison : std::nullopt);
  spec.onEmpty = verdictOf(success, failing, &ConditionAnalysis::onEmpty, spec.inconclusive);
  spec.onNaN = verdictOf(success, failing, &ConditionAnalysis::onNaN, spec.inconclusive);
  const Verdict holds =
      verdictOf(success, failing, &ConditionAnalysis::whenHolds, spec.inconclusive);
  const Verdict fails = verdictOf(success, failing, &ConditionAnalysis::whenNot, spec.inconclusive);
  if (holds == Verdict::kError || fails == Verdict::kError) {
    why = "the condition cannot be evaluated on a number";
    return std::nullopt;
  }
  if (holds == fails) {
    spec.onValue =
        holds == Verdict::kFail ? FailureSpec::OnValue::kAlways : FailureSpec::OnValue::kNever;
  } else {
    spec.onValue = FailureSpec::OnValue::kThreshold;
    if (holds == Verdict::kPass) {
      spec.comparison->comparison = negated(spec.comparison->comparison);
    }
  }
  return spec;
}

std::optional<RuleParts> buildRuleParts(const QueryText& query, const FailureSpec& spec,
                                        std::string& why) {
  const std::string base = query.scalar ? "vector(" + query.text + ")" : query.text;
  const bool truncated = spec.comparison && spec.comparison->truncated;
  const std::string x = truncated ? "(" + base + ") - (" + base + ") % 1" : base;
  const QueryText shape{x, false, query.atomic && !truncated};
  const std::string px = parens(shape, x);
  const bool emptyFails = spec.onEmpty == Verdict::kFail;
  const bool nanFails = spec.onNaN == Verdict::kFail;
  RuleParts parts;
  if (spec.onValue == FailureSpec::OnValue::kThreshold) {
    parts.threshold = spec.comparison->comparison;
    // A result that fails by having no number gets one past the threshold. `>= -Inf`
    // keeps every sample but NaN.
    const std::string past = "vector(" + breachingValue(parts.threshold) + ")";
    if (emptyFails && nanFails) {
      parts.expr = px + " >= -Inf or on() " + past;
    } else if (emptyFails) {
      parts.expr = px + " or on() " + past;
    } else if (nanFails) {
      parts.expr = px + " >= -Inf or on() (" + past + " and on() " + px + " != " + px + ")";
    } else {
      parts.expr = x;
    }
    const bool judgeEmpty = spec.onEmpty != Verdict::kPass;
    const bool judgeNaN = spec.onNaN != Verdict::kPass;
    if (!judgeEmpty || !judgeNaN) {
      parts.guard = (judgeNaN ? "count(" + x + ")" : "count(" + px + " >= -Inf)") +
                    (judgeEmpty ? " or absent(" + x + ")" : "") + " or vector(0)";
    }
    return parts;
  }
  const bool valueFails = spec.onValue == FailureSpec::OnValue::kAlways;
  std::string failing;
  if (valueFails && nanFails) {
    failing = x;
  } else if (valueFails) {
    failing = px + " >= -Inf";
  } else if (nanFails) {
    failing = px + " != " + px;
  }
  if (!failing.empty()) {
    // The number of failing samples; an empty result counts as the spec says.
    const std::string count = "count(" + failing + ")";
    if (emptyFails) {
      parts.expr = "(" + count + " or vector(0)) + on() (absent(" + x + ") or vector(0))";
    } else if (spec.onEmpty == Verdict::kError) {
      parts.expr = count + " or (vector(0) and on() count(" + x + "))";
    } else {
      parts.expr = count + " or vector(0)";
    }
    parts.threshold = Threshold{ThresholdOp::kGreater, 0};
    return parts;
  }
  if (emptyFails) {
    parts.expr = "count(" + x + ") or vector(0)";
    parts.threshold = Threshold{ThresholdOp::kEqual, 0};
    return parts;
  }
  why = "no result of the query ever fails the conditions";
  return std::nullopt;
}

}  // namespace nova::rules::detail
