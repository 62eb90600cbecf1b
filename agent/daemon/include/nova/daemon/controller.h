#pragma once

#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "nova/core/clock.h"
#include "nova/core/result.h"
#include "nova/core/time.h"
#include "nova/daemon/actions.h"
#include "nova/daemon/metrics.h"
#include "nova/policy/escalator.h"
#include "nova/promql/engine.h"
#include "nova/rules/evaluator.h"
#include "nova/rules/loader.h"
#include "nova/scrape/prober.h"
#include "nova/tsdb/storage.h"

namespace nova::daemon {

/// A person's command from the API, already parsed.
struct Command {
  enum class Kind { kHold, kRelease, kRollback };
  Kind kind = Kind::kHold;
  /// For kHold: how long from now (ms).
  DurationMs holdFor = 0;
  std::string who;
  std::string reason;
  /// For kHold: the highest severity whose rollback it suspends (policy::Hold::covers).
  Severity holdCovers = Severity::kHigh;
};

/// The answer to a Command, ready for HTTP.
struct CommandReply {
  int status = 200;
  /// JSON: {"ok":true,"action":...,"incident":...} or {"ok":false,"error":...}.
  std::string body;
};

struct ControllerOptions {
  /// Put into every notification.
  std::string statusUrl;
  /// JSON embedded as "config" in /status (see describe()).
  std::string configJson = "null";
  /// A failed (not impossible) rollback is retried after this, at most `rollbackAttempts`
  /// times in all.
  DurationMs rollbackRetry = 5 * kSecond;
  int rollbackAttempts = 3;
};

/// The agent's logic between probes and actions, free of threads and sleeping: each tick
/// evaluates the rules over the store, steps the escalator, logs every decision (one line
/// with incident id, action and reason), counts it, keeps it for /status, and hands
/// notifications and rollbacks to the ActionQueue. It also applies people's commands and
/// the worker's rollback reports. Time comes from the Clock; tests drive it with a
/// ManualClock and drain the queue through an ActionExecutor.
///
/// Not thread-safe: the daemon's loop thread owns it.
class Controller {
 public:
  /// `storage`, `clock`, `queue` and `metrics` must outlive the controller.
  Controller(rules::RuleSet ruleSet, policy::Escalator escalator, tsdb::Storage& storage,
             const Clock& clock, ActionQueue& queue, AgentMetrics& metrics,
             ControllerOptions options = {});

  /// Records a finished probe or scrape (for /status, readiness and metrics).
  void observe(const scrape::ProbeEvent& event);

  /// Evaluates, steps, acts at the clock's now. Also retries a failed rollback when its
  /// time has come.
  policy::Decision tick() { return tickAt(clock_.now()); }
  /// As tick(), evaluating at `at` (ms): the daemon passes a scrape's timestamp so ticks
  /// sit on the scrape grid. An `at` before the last one counts as the last one.
  policy::Decision tickAt(TimestampMs at);

  CommandReply command(const Command& command);

  /// The worker's report on a rollback: flipped or already on blue completes it in the
  /// escalator; impossible sends a CRITICAL notification; an error is retried.
  void rollbackFinished(const RollbackReport& report);

  /// Swaps in new rules (SIGHUP); the escalator keeps its state through snapshot/restore.
  /// On error nothing changes.
  Status replaceRules(rules::RuleSet ruleSet, const std::optional<std::string>& policyYaml);

  /// True once a scrape succeeded.
  bool ready() const { return ready_; }
  /// The escalator's state, to persist.
  std::string snapshot() const { return escalator_.snapshot(); }
  /// /status as JSON.
  std::string statusJson() const;
  const policy::Escalator& escalator() const { return escalator_; }

 private:
  void handle(const policy::Decision& decision, TimestampMs now, const std::string& who);
  void record(const policy::Decision& decision, TimestampMs now);
  void rollbackImpossible(const traffic::RollbackRequest& request, const std::string& reason,
                          TimestampMs now);

  struct Probe {
    std::optional<scrape::ProbeEvent> last;
    std::optional<TimestampMs> lastOk;
  };
  struct DecisionRecord {
    TimestampMs at = 0;
    std::string incident;
    std::string action;
    std::string reason;
  };
  struct RollbackState {
    traffic::RollbackRequest request;
    int attempts = 0;
    std::optional<TimestampMs> retryAt;
    std::string outcome;
    std::string detail;
  };

  rules::RuleSet ruleSet_;
  policy::Escalator escalator_;
  promql::Engine engine_;
  tsdb::Storage& storage_;
  const Clock& clock_;
  ActionQueue& queue_;
  AgentMetrics& metrics_;
  ControllerOptions options_;

  bool ready_ = false;
  Probe health_;
  Probe scrape_;
  std::vector<rules::RuleEvaluation> lastResults_;
  std::optional<TimestampMs> lastTick_;
  std::string timelineIncident_;
  std::vector<policy::TimelineEvent> timeline_;
  std::deque<policy::TimelineEvent> recentEvents_;
  std::deque<DecisionRecord> decisions_;
  std::optional<RollbackState> rollback_;
};

/// {"ok":true,"action":...,"reason":...,"incident":id|null,"events":[...]}.
std::string commandReplyJson(const policy::Decision& decision);
/// {"ok":false,"error":message}.
std::string commandErrorJson(const std::string& message);

/// The notifications one decision gives rise to (see notify::NotificationKind). Pure.
std::vector<notify::Notification> notificationsFor(const policy::Decision& decision,
                                                   const std::string& statusUrl, TimestampMs now);

}  // namespace nova::daemon
