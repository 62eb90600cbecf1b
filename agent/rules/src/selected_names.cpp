#include "nova/rules/selected_names.h"

#include <algorithm>
#include <type_traits>

#include "nova/core/labels.h"
#include "nova/promql/ast.h"

namespace nova::rules {
namespace {

// Collects selector names into `names`; returns false at the first selector without a
// fixed name.
bool collect(const promql::Expr& expr, std::vector<std::string>& names);

bool collectSelector(const promql::VectorSelector& selector, std::vector<std::string>& names) {
  for (const promql::Matcher& matcher : selector.matchers) {
    if (matcher.name() == kMetricNameLabel && matcher.op() == promql::MatchOp::kEqual) {
      names.push_back(matcher.value());
      return true;
    }
  }
  if (!selector.name.empty()) {
    names.push_back(selector.name);
    return true;
  }
  return false;
}

bool collect(const promql::Expr& expr, std::vector<std::string>& names) {
  return std::visit(
      [&](const auto& node) {
        using T = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<T, promql::VectorSelector>) {
          return collectSelector(node, names);
        } else if constexpr (std::is_same_v<T, promql::MatrixSelector>) {
          return collectSelector(node.selector, names);
        } else if constexpr (std::is_same_v<T, promql::Call>) {
          return std::all_of(node.args.begin(), node.args.end(),
                             [&](const promql::ExprPtr& arg) { return collect(*arg, names); });
        } else if constexpr (std::is_same_v<T, promql::Aggregate>) {
          return collect(*node.expr, names) && (!node.param || collect(*node.param, names));
        } else if constexpr (std::is_same_v<T, promql::Binary>) {
          return collect(*node.lhs, names) && collect(*node.rhs, names);
        } else if constexpr (std::is_same_v<T, promql::Subquery> ||
                             std::is_same_v<T, promql::Unary> || std::is_same_v<T, promql::Paren>) {
          return collect(*node.expr, names);
        } else {
          return true;  // literals select nothing
        }
      },
      expr.node);
}

void sortUnique(std::vector<std::string>& names) {
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
}

}  // namespace

std::optional<std::vector<std::string>> selectedMetricNames(const RuleSet& ruleSet) {
  std::vector<std::string> names;
  for (const Rule& rule : ruleSet.rules) {
    for (const auto& expr : {rule.parsedExpr, rule.parsedGuard}) {
      if (expr && !collect(*expr, names)) {
        return std::nullopt;
      }
    }
  }
  for (const RecordingRule& recording : ruleSet.recordings) {
    if (recording.parsedExpr && !collect(*recording.parsedExpr, names)) {
      return std::nullopt;
    }
  }
  // Recorded series are written by the rules, never scraped.
  std::erase_if(names, [&](const std::string& name) {
    return std::any_of(ruleSet.recordings.begin(), ruleSet.recordings.end(),
                       [&](const RecordingRule& r) { return r.record == name; });
  });
  sortUnique(names);
  return names;
}

std::optional<std::vector<std::string>> selectedMetricNames(const promql::Expr& expr) {
  std::vector<std::string> names;
  if (!collect(expr, names)) {
    return std::nullopt;
  }
  sortUnique(names);
  return names;
}

}  // namespace nova::rules
