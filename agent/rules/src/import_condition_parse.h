#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "import_condition.h"

namespace nova::rules::detail {

/// A node of a parsed Argo condition (the subset import_condition.h lists).
struct ConditionNode {
  enum class Kind {
    kOr,
    kAnd,
    kNot,
    kCompare,  // kids[0] op kids[1]
    kNumber,
    kBool,
    kFirst,   // result[0]
    kLength,  // len(result)
    kIsNaN,
    kAsInt,
    kAsFloat,
  };
  Kind kind = Kind::kBool;
  ThresholdOp op = ThresholdOp::kEqual;
  double number = 0;
  bool flag = false;
  std::size_t offset = 0;
  std::vector<std::unique_ptr<ConditionNode>> kids;
};

using ConditionNodePtr = std::unique_ptr<ConditionNode>;

/// Parses `text`; null with `refusal` set when it uses anything outside the subset.
ConditionNodePtr parseCondition(std::string_view text, ConditionRefusal& refusal);

}  // namespace nova::rules::detail
