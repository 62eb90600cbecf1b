#pragma once

#include <optional>
#include <string>
#include <vector>

#include "nova/core/result.h"
#include "nova/core/time.h"
#include "nova/policy/escalator.h"
#include "nova/rules/loader.h"

namespace nova::daemon {

/// Reads and merges the rule files. The error lists every problem of every file, one
/// "file:line:col: message" per line.
Result<rules::RuleSet> loadRuleFiles(const std::vector<std::string>& files);

/// The rule files' policy with the configuration's `policy:` section (YAML text) over it.
Result<policy::PolicyConfig> effectivePolicy(const rules::RuleSet& ruleSet,
                                             const std::optional<std::string>& policyYaml);

/// A fresh escalator starting at `switchedAt`, or, given a snapshot, the one it describes
/// (its own switch time wins: a restarted agent continues where it stopped).
Result<policy::Escalator> makeEscalator(const rules::RuleSet& ruleSet,
                                        const policy::PolicyConfig& policy, TimestampMs switchedAt,
                                        const std::optional<std::string>& snapshot);

}  // namespace nova::daemon
