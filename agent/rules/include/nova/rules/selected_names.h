#pragma once

#include <optional>
#include <string>
#include <vector>

#include "nova/rules/loader.h"

namespace nova::rules {

/// The metric names that the rules' expressions and guards can select, sorted and unique;
/// nullopt when some selector has no fixed name (`{job="x"}`, `{__name__=~"nova_.*"}`), in
/// which case a scrape must keep every series. Lets the agent store only what it judges by.
std::optional<std::vector<std::string>> selectedMetricNames(const RuleSet& ruleSet);

}  // namespace nova::rules
