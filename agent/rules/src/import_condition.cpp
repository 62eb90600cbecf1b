// An Argo condition evaluated in the four situations a Prometheus measurement can be in.
#include "import_condition.h"

#include <cmath>
#include <limits>

#include "import_condition_parse.h"

namespace nova::rules::detail {
namespace {

using Kind = ConditionNode::Kind;

enum class Situation { kEmpty, kNaN, kHolds, kNot };

// A value as expr-lang would hold it; `measured` marks the (unknown) measured number.
struct Value {
  enum class Type { kBool, kNumber, kError } type = Type::kError;
  bool flag = false;
  double number = 0;
  bool measured = false;
};

Value boolean(bool b) {
  return Value{Value::Type::kBool, b, 0, false};
}
Value number(double n) {
  return Value{Value::Type::kNumber, false, n, false};
}
Value error() {
  return Value{};
}

// result[0], asFloat(result[0]), asInt(result[0]) and nestings of them; sets `truncated`
// when an asInt is among them.
bool isMeasured(const ConditionNode& node, bool& truncated) {
  switch (node.kind) {
    case Kind::kFirst:
      return true;
    case Kind::kAsFloat:
      return isMeasured(*node.kids[0], truncated);
    case Kind::kAsInt:
      truncated = true;
      return isMeasured(*node.kids[0], truncated);
    default:
      return false;
  }
}

// Finds the comparisons of the measured value; refuses all but one distinct comparison.
bool findComparison(const ConditionNode& node, std::optional<ValueComparison>& found,
                    ConditionRefusal& refusal) {
  if (node.kind == Kind::kCompare) {
    bool truncatedLeft = false;
    bool truncatedRight = false;
    const bool left = isMeasured(*node.kids[0], truncatedLeft);
    const bool right = isMeasured(*node.kids[1], truncatedRight);
    if (left || right) {
      const ConditionNode& other = left ? *node.kids[1] : *node.kids[0];
      if (other.kind != Kind::kNumber) {
        refusal = {node.offset, "result[0] is converted when compared with a number"};
        return false;
      }
      const ValueComparison comparison{Threshold{left ? node.op : swapped(node.op), other.number},
                                       left ? truncatedLeft : truncatedRight};
      if (found && !(*found == comparison)) {
        refusal = {node.offset,
                   "a second comparison of result[0]: the agent's threshold is one comparison"};
        return false;
      }
      found = comparison;
    }
  }
  for (const auto& kid : node.kids) {
    if (!findComparison(*kid, found, refusal)) {
      return false;
    }
  }
  return true;
}

// Go's comparison of two numbers: any comparison with NaN is false but `!=`.
bool compareNumbers(double a, ThresholdOp op, double b) {
  if (std::isnan(a) || std::isnan(b)) {
    return op == ThresholdOp::kNotEqual;
  }
  return Threshold{op, b}.breaches(a);
}

Value evaluate(const ConditionNode& node, Situation s);

Value logical(const ConditionNode& node, Situation s, bool stopOn) {
  const Value lhs = evaluate(*node.kids[0], s);
  if (lhs.type != Value::Type::kBool) {
    return error();
  }
  if (lhs.flag == stopOn) {
    return lhs;
  }
  const Value rhs = evaluate(*node.kids[1], s);
  return rhs.type == Value::Type::kBool ? rhs : error();
}

Value compare(const ConditionNode& node, Situation s) {
  const Value a = evaluate(*node.kids[0], s);
  const Value b = evaluate(*node.kids[1], s);
  if (a.type == Value::Type::kError || b.type == Value::Type::kError || a.type != b.type) {
    return error();
  }
  if (a.measured || b.measured) {
    return boolean(s == Situation::kHolds);
  }
  if (a.type == Value::Type::kBool) {
    if (node.op != ThresholdOp::kEqual && node.op != ThresholdOp::kNotEqual) {
      return error();
    }
    return boolean((a.flag == b.flag) == (node.op == ThresholdOp::kEqual));
  }
  return boolean(compareNumbers(a.number, node.op, b.number));
}

Value evaluate(const ConditionNode& node, Situation s) {
  switch (node.kind) {
    case Kind::kOr:
      return logical(node, s, true);
    case Kind::kAnd:
      return logical(node, s, false);
    case Kind::kNot: {
      const Value v = evaluate(*node.kids[0], s);
      return v.type == Value::Type::kBool ? boolean(!v.flag) : error();
    }
    case Kind::kCompare:
      return compare(node, s);
    case Kind::kNumber:
      return number(node.number);
    case Kind::kBool:
      return boolean(node.flag);
    case Kind::kFirst:
      if (s == Situation::kEmpty) {
        return error();  // index out of range
      }
      if (s == Situation::kNaN) {
        return number(std::numeric_limits<double>::quiet_NaN());
      }
      return Value{Value::Type::kNumber, false, 0, true};
    case Kind::kLength:
      return number(s == Situation::kEmpty ? 0 : 1);
    case Kind::kIsNaN: {
      const Value v = evaluate(*node.kids[0], s);
      if (v.type != Value::Type::kNumber) {
        return error();
      }
      return boolean(!v.measured && std::isnan(v.number));
    }
    case Kind::kAsFloat:
    case Kind::kAsInt: {
      Value v = evaluate(*node.kids[0], s);
      if (v.type != Value::Type::kNumber) {
        return error();
      }
      if (node.kind == Kind::kAsInt && !v.measured) {
        // Go's int64 conversion; NaN becomes the smallest int64 on the usual platforms.
        v.number = std::isnan(v.number) ? static_cast<double>(std::numeric_limits<long long>::min())
                                        : std::trunc(v.number);
      }
      return v;
    }
  }
  return error();
}

}  // namespace

std::optional<ConditionAnalysis> analyseCondition(std::string_view text,
                                                  ConditionRefusal& refusal) {
  const ConditionNodePtr root = parseCondition(text, refusal);
  if (!root) {
    return std::nullopt;
  }
  ConditionAnalysis analysis;
  if (!findComparison(*root, analysis.comparison, refusal)) {
    return std::nullopt;
  }
  Outcome* outcomes[] = {&analysis.onEmpty, &analysis.onNaN, &analysis.whenHolds,
                         &analysis.whenNot};
  const Situation situations[] = {Situation::kEmpty, Situation::kNaN, Situation::kHolds,
                                  Situation::kNot};
  for (int i = 0; i < 4; ++i) {
    const Value v = evaluate(*root, situations[i]);
    if (v.type == Value::Type::kNumber) {
      refusal = {0, "the condition gives a number, not true or false"};
      return std::nullopt;
    }
    *outcomes[i] = v.type == Value::Type::kError ? Outcome::kError
                   : v.flag                      ? Outcome::kTrue
                                                 : Outcome::kFalse;
  }
  return analysis;
}

}  // namespace nova::rules::detail
