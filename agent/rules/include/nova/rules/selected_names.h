#pragma once

#include <optional>
#include <string>
#include <vector>

#include "nova/promql/ast.h"
#include "nova/rules/loader.h"

namespace nova::rules {

/// The metric names that the rules' expressions and guards and the recording rules'
/// expressions can select from the scrape, sorted and unique (the names the recording
/// rules record are not among them); nullopt when some selector has no fixed name
/// (`{job="x"}`, `{__name__=~"nova_.*"}`), in which case a scrape must keep every series.
/// Lets the agent store only what it judges by.
std::optional<std::vector<std::string>> selectedMetricNames(const RuleSet& ruleSet);

/// The metric names `expr`'s selectors can select, sorted and unique; nullopt when some
/// selector has no fixed name.
std::optional<std::vector<std::string>> selectedMetricNames(const promql::Expr& expr);

}  // namespace nova::rules
