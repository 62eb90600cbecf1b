#include "nova/daemon/setup.h"

#include <fstream>
#include <sstream>

#include "nova/rules/evaluator.h"
#include "nova/rules/scenario.h"

namespace nova::daemon {

Result<rules::RuleSet> loadRuleFiles(const std::vector<std::string>& files) {
  std::string problems;
  rules::RuleSet merged;
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      problems += file + ": cannot open the rule file\n";
      continue;
    }
    std::ostringstream text;
    text << in.rdbuf();
    auto report = rules::loadDetailed(text.str(), file);
    for (const auto& d : report.diagnostics) {
      problems += d.toString() + "\n";
    }
    if (report.ruleSet) {
      if (Status s = rules::merge(merged, std::move(*report.ruleSet)); !s) {
        problems += file + ": " + s.error().message + "\n";
      }
    }
  }
  if (!problems.empty()) {
    problems.pop_back();
    return Error{problems};
  }
  return merged;
}

Result<policy::PolicyConfig> effectivePolicy(const rules::RuleSet& ruleSet,
                                             const std::optional<std::string>& policyYaml) {
  policy::PolicyConfig config = ruleSet.policy;
  if (policyYaml) {
    if (Status s = rules::applyPolicyOverrides(config, *policyYaml); !s) {
      return Error{"policy: " + s.error().message};
    }
  }
  return config;
}

Result<policy::Escalator> makeEscalator(const rules::RuleSet& ruleSet,
                                        const policy::PolicyConfig& policy, TimestampMs switchedAt,
                                        const std::optional<std::string>& snapshot) {
  auto specs = rules::ruleSpecs(ruleSet);
  if (Status s = policy::validate(policy, specs); !s) {
    return s.error();
  }
  if (snapshot) {
    return policy::Escalator::restore(*snapshot, policy, std::move(specs));
  }
  return policy::Escalator(policy, std::move(specs), switchedAt);
}

}  // namespace nova::daemon
