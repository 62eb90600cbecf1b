// Operator names and expression types.
#include "nova/promql/ast.h"

#include <type_traits>

#include "functions_table.h"

namespace nova::promql {

bool isComparison(BinaryOp op) {
  switch (op) {
    case BinaryOp::kEql:
    case BinaryOp::kNeq:
    case BinaryOp::kGtr:
    case BinaryOp::kLss:
    case BinaryOp::kGte:
    case BinaryOp::kLte:
      return true;
    default:
      return false;
  }
}

bool isSetOperator(BinaryOp op) {
  return op == BinaryOp::kAnd || op == BinaryOp::kOr || op == BinaryOp::kUnless;
}

std::string_view toString(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd:
      return "+";
    case BinaryOp::kSub:
      return "-";
    case BinaryOp::kMul:
      return "*";
    case BinaryOp::kDiv:
      return "/";
    case BinaryOp::kMod:
      return "%";
    case BinaryOp::kPow:
      return "^";
    case BinaryOp::kEql:
      return "==";
    case BinaryOp::kNeq:
      return "!=";
    case BinaryOp::kGtr:
      return ">";
    case BinaryOp::kLss:
      return "<";
    case BinaryOp::kGte:
      return ">=";
    case BinaryOp::kLte:
      return "<=";
    case BinaryOp::kAnd:
      return "and";
    case BinaryOp::kOr:
      return "or";
    case BinaryOp::kUnless:
      return "unless";
    case BinaryOp::kAtan2:
      return "atan2";
  }
  return "?";
}

std::string_view toString(AggregateOp op) {
  switch (op) {
    case AggregateOp::kSum:
      return "sum";
    case AggregateOp::kAvg:
      return "avg";
    case AggregateOp::kMin:
      return "min";
    case AggregateOp::kMax:
      return "max";
    case AggregateOp::kCount:
      return "count";
    case AggregateOp::kGroup:
      return "group";
    case AggregateOp::kStddev:
      return "stddev";
    case AggregateOp::kStdvar:
      return "stdvar";
    case AggregateOp::kTopk:
      return "topk";
    case AggregateOp::kBottomk:
      return "bottomk";
    case AggregateOp::kQuantile:
      return "quantile";
    case AggregateOp::kCountValues:
      return "count_values";
    case AggregateOp::kLimitk:
      return "limitk";
    case AggregateOp::kLimitRatio:
      return "limit_ratio";
  }
  return "?";
}

std::string_view toString(ValueType type) {
  switch (type) {
    case ValueType::kScalar:
      return "scalar";
    case ValueType::kVector:
      return "vector";
    case ValueType::kMatrix:
      return "matrix";
    case ValueType::kString:
      return "string";
  }
  return "?";
}

ValueType Expr::type() const {
  return std::visit(
      [](const auto& n) -> ValueType {
        using T = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<T, NumberLiteral>) {
          return ValueType::kScalar;
        } else if constexpr (std::is_same_v<T, StringLiteral>) {
          return ValueType::kString;
        } else if constexpr (std::is_same_v<T, VectorSelector> || std::is_same_v<T, Aggregate>) {
          return ValueType::kVector;
        } else if constexpr (std::is_same_v<T, MatrixSelector> || std::is_same_v<T, Subquery>) {
          return ValueType::kMatrix;
        } else if constexpr (std::is_same_v<T, Call>) {
          const detail::FunctionInfo* f = detail::findFunction(n.function);
          return f != nullptr ? f->returnType : ValueType::kVector;
        } else if constexpr (std::is_same_v<T, Binary>) {
          const bool scalars =
              n.lhs->type() == ValueType::kScalar && n.rhs->type() == ValueType::kScalar;
          return scalars ? ValueType::kScalar : ValueType::kVector;
        } else {
          return n.expr->type();  // Unary, Paren
        }
      },
      node);
}

}  // namespace nova::promql
