#pragma once

#include <map>
#include <memory>
#include <string>

#include "nova/promql/ast.h"
#include "nova/rules/rule.h"

namespace nova::rules {

/// A Prometheus recording rule: the series `expr` gives at each evaluation round, renamed
/// `record` and with `labels` set, become visible to every rule evaluated after it in the
/// same round and, through range selectors, in later rounds (see evaluateRules).
struct RecordingRule {
  /// The metric name of the recorded series (a valid Prometheus metric name).
  std::string record;
  /// The PromQL text as written, and its parsed tree (never null in a loaded RuleSet).
  std::string expr;
  std::shared_ptr<const promql::Expr> parsedExpr;
  /// Set on every recorded series; they win over the labels of the expression's samples.
  std::map<std::string, std::string> labels;
  /// The name of the group it came from.
  std::string group;
  /// Where the rule starts in its file.
  SourcePosition position;
};

}  // namespace nova::rules
