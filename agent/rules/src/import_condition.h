#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "nova/rules/rule.h"

namespace nova::rules::detail {

/// What an Argo Rollouts condition (an expr-lang boolean over `result`) gives in a
/// situation of the Prometheus provider's result.
enum class Outcome { kTrue, kFalse, kError };

/// The one comparison of the measured value a condition may hold: `value <op> constant`,
/// the value being result[0], or its truncation to an integer (asInt) when `truncated`.
struct ValueComparison {
  Threshold comparison;
  bool truncated = false;
  friend bool operator==(const ValueComparison& a, const ValueComparison& b) {
    return a.comparison.op == b.comparison.op && a.comparison.value == b.comparison.value &&
           a.truncated == b.truncated;
  }
};

/// A condition, read and evaluated in the four situations a measurement can be in: no
/// result (`[]`), a NaN first value, a number for which the comparison holds, and one for
/// which it does not (without a comparison, the last two are the same).
struct ConditionAnalysis {
  std::optional<ValueComparison> comparison;
  Outcome onEmpty = Outcome::kError;
  Outcome onNaN = Outcome::kError;
  Outcome whenHolds = Outcome::kError;
  Outcome whenNot = Outcome::kError;
};

/// Why a condition cannot be converted, at a byte offset into its text.
struct ConditionRefusal {
  std::size_t offset = 0;
  std::string reason;
};

/// Reads `text`: `||`/`or`, `&&`/`and`, `!`/`not`, parentheses, `true`/`false`, numbers,
/// comparisons, `result[0]`, `asFloat(...)`, `asInt(...)`, `isNaN(...)`, `len(result)`.
/// Comparisons of the value must have a number on the other side, and there may be only
/// one distinct such comparison (the agent's threshold is one comparison). Everything else
/// (other indices, `all`/`any`/`#`, `default`, `isNil`, `isInf`, strings, arithmetic) is
/// refused. Evaluation follows expr-lang: `&&` and `||` short-circuit, `result[0]` on an
/// empty result is an error, comparisons with NaN are false (`!=` true).
std::optional<ConditionAnalysis> analyseCondition(std::string_view text, ConditionRefusal& refusal);

}  // namespace nova::rules::detail
