#pragma once

#include <optional>
#include <string>

#include "nova/core/result.h"
#include "nova/core/time.h"
#include "nova/policy/escalator.h"
#include "nova/rules/loader.h"

namespace nova::watch {

/// The rule files' policy with a `policy:` section (YAML text, as in the agent's
/// configuration or a scenario) over it. Errors (kInvalidInput) start with "policy: ".
Result<policy::PolicyConfig> effectivePolicy(const rules::RuleSet& ruleSet,
                                             const std::optional<std::string>& policyYaml);

/// A fresh escalator starting at `switchedAt` (ms), or, given a snapshot, the one it
/// describes (its own switch time wins: a restarted agent continues where it stopped).
/// Errors: the policy or the rules do not validate, or the snapshot does not restore.
Result<policy::Escalator> makeEscalator(const rules::RuleSet& ruleSet,
                                        const policy::PolicyConfig& policy, TimestampMs switchedAt,
                                        const std::optional<std::string>& snapshot);

}  // namespace nova::watch
