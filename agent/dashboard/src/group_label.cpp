// Per-target series from an aggregate expression: the same query with the target label
// kept by every aggregation and vector matching.

#include <algorithm>
#include <type_traits>
#include <variant>

#include "nova/dashboard/chart_spec.h"
#include "nova/promql/parser.h"

namespace nova::dashboard {
namespace {

void addLabel(std::vector<std::string>& labels, const std::string& label) {
  if (std::find(labels.begin(), labels.end(), label) == labels.end()) {
    labels.push_back(label);
  }
}

void removeLabel(std::vector<std::string>& labels, const std::string& label) {
  labels.erase(std::remove(labels.begin(), labels.end(), label), labels.end());
}

void keepLabel(promql::Expr& expr, const std::string& label);

void keepLabel(promql::ExprPtr& expr, const std::string& label) {
  if (expr) {
    keepLabel(*expr, label);
  }
}

void keepLabel(promql::Expr& expr, const std::string& label) {
  std::visit(
      [&](auto& node) {
        using Node = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<Node, promql::Aggregate>) {
          if (node.without) {
            removeLabel(node.grouping, label);
          } else {
            addLabel(node.grouping, label);
          }
          keepLabel(node.expr, label);
          keepLabel(node.param, label);
        } else if constexpr (std::is_same_v<Node, promql::Binary>) {
          if (node.matching) {
            if (node.matching->on) {
              addLabel(node.matching->labels, label);
            } else {
              removeLabel(node.matching->labels, label);
            }
          }
          keepLabel(node.lhs, label);
          keepLabel(node.rhs, label);
        } else if constexpr (std::is_same_v<Node, promql::Call>) {
          for (auto& arg : node.args) {
            keepLabel(arg, label);
          }
        } else if constexpr (std::is_same_v<Node, promql::Subquery> ||
                             std::is_same_v<Node, promql::Unary> ||
                             std::is_same_v<Node, promql::Paren>) {
          keepLabel(node.expr, label);
        }
      },
      expr.node);
}

}  // namespace

Result<promql::ExprPtr> withGroupLabel(std::string_view query, const std::string& label) {
  promql::ParseResult parsed = promql::parse(query);
  if (!parsed.ok()) {
    return Error(ErrorCode::kInvalidInput, parsed.error().toString());
  }
  promql::ExprPtr expr = parsed.release();
  keepLabel(*expr, label);
  return expr;
}

}  // namespace nova::dashboard
