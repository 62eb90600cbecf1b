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

/// How far a restored state's times may lie after the clock and still be taken as clock
/// skew between the writer and this process rather than a clock that ran ahead.
inline constexpr DurationMs kFutureStateBound = 5 * kMinute;

/// A restored state whose times lay after the clock, and how it was re-anchored.
struct FutureState {
  /// The state's latest time as written (policy::Escalator::latestTime()), ms.
  TimestampMs latest = 0;
  /// The clock when it was restored, ms.
  TimestampMs now = 0;
  /// More than kFutureStateBound ahead: the times were refused as written.
  bool beyondBound = false;

  DurationMs ahead() const { return latest - now; }
};

/// Checks a restored escalator against the clock. Its `for`, investigation, recovery and
/// rollback window are spans from times in the state, and the escalator never lets time go
/// backwards, so a state from the future (written while the clock ran ahead, a clock set
/// back between runs, or a hostile file saying 2100) would freeze every decision until the
/// clock caught up. When its latest time lies after `now`, every time in it is moved back
/// by the difference (policy::Escalator::shiftTimes): the state continues from the present
/// with the spans it had reached, its incident, page and decided rollback kept (a decided
/// rollback not known done is still carried out). Returns what was done, nullopt when the
/// state was not in the future; beyondBound tells the caller to warn.
std::optional<FutureState> anchorRestoredState(policy::Escalator& escalator, TimestampMs now,
                                               DurationMs bound = kFutureStateBound);

}  // namespace nova::watch
