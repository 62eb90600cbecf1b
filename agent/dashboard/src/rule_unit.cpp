// The unit a rule's value reads in, from its summary or else from the shape of its
// expression, so a share is never shown as seconds or as a bare 0.97.

#include <string_view>
#include <type_traits>
#include <variant>

#include "nova/dashboard/units.h"

namespace nova::dashboard {
namespace {

// Functions that keep their first argument's unit.
bool keepsUnit(std::string_view function) {
  return function == "round" || function == "clamp" || function == "clamp_min" ||
         function == "clamp_max" || function == "abs";
}

// `expr` without the parentheses and unit-keeping calls around it.
const promql::Expr& unwrapped(const promql::Expr& expr) {
  if (const auto* paren = std::get_if<promql::Paren>(&expr.node)) {
    return unwrapped(*paren->expr);
  }
  if (const auto* call = std::get_if<promql::Call>(&expr.node)) {
    if (keepsUnit(call->function) && !call->args.empty() && call->args[0]) {
      return unwrapped(*call->args[0]);
    }
  }
  return expr;
}

bool isNumber(const promql::Expr& expr) {
  return std::holds_alternative<promql::NumberLiteral>(unwrapped(expr).node);
}

bool isNumber(const promql::Expr& expr, double value) {
  const auto* number = std::get_if<promql::NumberLiteral>(&unwrapped(expr).node);
  return number != nullptr && number->value == value;
}

bool selectsSum(const promql::VectorSelector& selector) {
  for (const promql::Matcher& m : selector.matchers) {
    if (m.name() == "__name__" && m.op() == promql::MatchOp::kEqual &&
        m.value().ends_with("_sum")) {
      return true;
    }
  }
  return selector.name.ends_with("_sum");
}

// Whether some selector in `expr` reads a metric whose name ends in `_sum`: the total of
// observations, which over their count is a mean in the observations' unit, not a share.
bool readsSum(const promql::Expr& expr) {
  return std::visit(
      [](const auto& node) -> bool {
        using Node = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<Node, promql::VectorSelector>) {
          return selectsSum(node);
        } else if constexpr (std::is_same_v<Node, promql::MatrixSelector>) {
          return selectsSum(node.selector);
        } else if constexpr (std::is_same_v<Node, promql::Call>) {
          for (const auto& arg : node.args) {
            if (arg && readsSum(*arg)) {
              return true;
            }
          }
          return false;
        } else if constexpr (std::is_same_v<Node, promql::Binary>) {
          return readsSum(*node.lhs) || readsSum(*node.rhs);
        } else if constexpr (std::is_same_v<Node, promql::Aggregate> ||
                             std::is_same_v<Node, promql::Subquery> ||
                             std::is_same_v<Node, promql::Unary> ||
                             std::is_same_v<Node, promql::Paren>) {
          return node.expr && readsSum(*node.expr);
        } else {
          return false;
        }
      },
      expr.node);
}

// A division of two series (errors over requests, a bucket over the count, now over a
// baseline), or one minus such a share.
bool isRatio(const promql::Expr& expr) {
  const auto* binary = std::get_if<promql::Binary>(&unwrapped(expr).node);
  if (binary == nullptr) {
    return false;
  }
  if (binary->op == promql::BinaryOp::kDiv) {
    return !isNumber(*binary->lhs) && !isNumber(*binary->rhs) && !readsSum(*binary->lhs);
  }
  if (binary->op == promql::BinaryOp::kSub) {
    return isNumber(*binary->lhs, 1) && isRatio(*binary->rhs);
  }
  return false;
}

}  // namespace

Unit unitOfRule(const rules::Rule& rule) {
  const Unit fromSummary = unitOf(rule.summary);
  if (fromSummary != Unit::kNone || !rule.parsedExpr) {
    return fromSummary;
  }
  return isRatio(*rule.parsedExpr) ? Unit::kRatio : Unit::kNone;
}

}  // namespace nova::dashboard
