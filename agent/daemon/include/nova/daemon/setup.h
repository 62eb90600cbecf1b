#pragma once

#include <string>
#include <vector>

#include "nova/core/result.h"
#include "nova/rules/loader.h"

namespace nova::daemon {

/// Reads and merges the rule files. The error lists every problem of every file, one
/// "file:line:col: message" per line.
Result<rules::RuleSet> loadRuleFiles(const std::vector<std::string>& files);

}  // namespace nova::daemon
