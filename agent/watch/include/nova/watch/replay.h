#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "nova/core/time.h"
#include "nova/notify/notifier.h"
#include "nova/policy/escalator.h"
#include "nova/rules/evaluator.h"
#include "nova/rules/loader.h"
#include "nova/traffic/switch.h"
#include "nova/watch/scenario.h"

namespace nova::watch {

/// One notification of a replay and the receivers the router gave it to.
struct SentNotification {
  notify::Notification notification;
  /// Receiver names ("log", "slack:deploys") in the router's order; empty when no route
  /// accepted it.
  std::vector<std::string> receivers;
};

/// One rollback attempt through the switch.
struct RollbackAttempt {
  /// 1 for the first attempt of the rollback, then 2, 3... for its retries.
  int attempt = 1;
  /// "flipped", "already_blue", "impossible" or "error".
  std::string outcome;
  /// The switch's detail or error.
  std::string detail;
};

/// One tick of a replay: what the rules said, what was decided and what was done.
struct TickRecord {
  TimestampMs at = 0;
  std::vector<rules::RuleEvaluation> results;
  /// The tick's decisions merged (commands, step, the rollback's completion): events in
  /// order, the strongest action.
  policy::Decision decision;
  /// Everything the router was handed at this tick, in order.
  std::vector<SentNotification> notifications;
  /// Rollback attempts carried out at this tick.
  std::vector<RollbackAttempt> rollbacks;
};

/// The outcome of a replay.
struct ScenarioReport {
  std::vector<TickRecord> ticks;
  /// Every action taken, notification sent and rollback attempt made, in the form of the
  /// scenario's exact lists.
  std::vector<ExpectedAction> actions;
  std::vector<ExpectedNotification> notifications;
  std::vector<ExpectedRollback> rollbacks;
  /// What happened to the baseline ("5m baseline: frozen at ..."), as the agent logs it.
  std::vector<std::string> baselineLog;
  /// One readable paragraph per failed expectation; empty when the scenario passes.
  std::vector<std::string> failures;
  std::size_t checked = 0;

  bool passed() const { return failures.empty(); }
};

/// Replays `scenario` through `ruleSet` tick by tick on a simulated clock, with the very
/// Watcher the daemon runs: each series' sample goes into a tsdb::Storage (default
/// retention) through a ScrapeAppender (absent samples go stale as in Prometheus), the
/// commands due are applied, the watcher ticks, and its actions are carried out at once:
/// rollbacks through `traffic` (the dry-run switch in `novactl rules test`), reported back
/// at the same tick, and notifications through a notify::Router of recording receivers.
/// Checks every expectation. Never throws; the only effects are `traffic`'s.
ScenarioReport replay(const Scenario& scenario, const rules::RuleSet& ruleSet,
                      traffic::Switch& traffic);

/// Checks `scenario`'s expectations against the ticks and actions of `report`, adding one
/// failure per expectation that does not hold. Pure.
void checkExpectations(const Scenario& scenario, ScenarioReport& report);

}  // namespace nova::watch
