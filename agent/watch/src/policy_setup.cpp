#include "nova/watch/policy_setup.h"

#include "nova/rules/evaluator.h"
#include "nova/rules/loader.h"

namespace nova::watch {

Result<policy::PolicyConfig> effectivePolicy(const rules::RuleSet& ruleSet,
                                             const std::optional<std::string>& policyYaml) {
  policy::PolicyConfig config = ruleSet.policy;
  if (policyYaml) {
    if (Status s = rules::applyPolicyOverrides(config, *policyYaml); !s) {
      return s.error().prefixed("policy: ");
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

std::optional<FutureState> anchorRestoredState(policy::Escalator& escalator, TimestampMs now,
                                               DurationMs bound) {
  const TimestampMs latest = escalator.latestTime();
  if (latest <= now) {
    return std::nullopt;
  }
  escalator.shiftTimes(now - latest);
  return FutureState{latest, now, latest - now > bound};
}

}  // namespace nova::watch
