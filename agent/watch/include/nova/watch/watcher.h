#pragma once

#include <optional>
#include <string>
#include <vector>

#include "nova/core/clock.h"
#include "nova/core/result.h"
#include "nova/core/time.h"
#include "nova/policy/escalator.h"
#include "nova/promql/engine.h"
#include "nova/rules/evaluator.h"
#include "nova/rules/loader.h"
#include "nova/tsdb/scrape_appender.h"
#include "nova/tsdb/storage.h"
#include "nova/watch/action.h"

namespace nova::watch {

/// A person's command (the agent's API, a scenario's `actions:`), already parsed.
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

/// "Now" for a command or a rollback report: the agent's time line (a Timeline: wall time
/// at start advanced by monotonic time) labels the decision and drives the escalator;
/// monotonic time measures the rollback retry delay.
struct Now {
  TimestampMs wall = 0;
  MonoTime mono;

  static Now of(const Clock& clock) { return {clock.now(), clock.monoNow()}; }
};

/// The times of one tick, kept apart so each part reads the time it needs.
struct TickTime {
  /// The time the rules evaluate at (ms since the epoch on the agent's time line, see
  /// Timeline): the timestamp of the scrape the tick follows, so evaluation sits on the
  /// scrape grid. The escalator steps at it too and its `for`, investigation, recovery and
  /// rollback window are spans of it, which a wall-clock step does not move; it labels the
  /// tick's decisions and notifications. An evaluateAt before the previous tick's counts as
  /// that.
  TimestampMs evaluateAt = 0;
  /// Monotonic now: a failed rollback is retried once its delay has passed on this clock.
  MonoTime mono;

  static TickTime of(const Clock& clock) { return {clock.now(), clock.monoNow()}; }
};

/// How the watcher words and retries what it decides.
struct WatchOptions {
  /// Put into every notification.
  std::string statusUrl;
  /// A failed (not impossible) rollback is retried after this (ms of monotonic time), at
  /// most `rollbackAttempts` attempts in all; then it counts as impossible.
  DurationMs rollbackRetry = 5 * kSecond;
  int rollbackAttempts = 3;
};

/// A line for the daemon's log about the rollback's progress.
struct Note {
  enum class Level { kInfo, kWarning, kError, kCritical };
  Level level = Level::kInfo;
  std::string text;
};

/// What one call decided and what is to be done.
struct Output {
  /// The escalator's answer (empty for a rollback report that changed nothing). When it has
  /// events or an action it is a decision to log, count and keep for /status.
  policy::Decision decision;
  /// When it was decided (wall ms): labels the decision record.
  TimestampMs at = 0;
  /// What to carry out, in order (the daemon's queue hands a rollback out first).
  std::vector<Action> actions;
  /// Log lines about the rollback's progress (retries, outcome, giving up).
  std::vector<Note> notes;

  /// True when `decision` has events or an action.
  bool decided() const;
};

/// A tick's Output plus the rules' results (for /status and the rule metrics).
struct TickOutput : Output {
  std::vector<rules::RuleEvaluation> results;
};

/// The rollback in progress or last done, for /status.
struct RollbackState {
  traffic::RollbackRequest request;
  /// Attempts started so far (1 after the first).
  int attempts = 0;
  /// Set while a failed attempt waits for its retry (monotonic).
  std::optional<MonoTime> retryAt;
  /// "resumed" (restored before its first attempt), "pending", "flipped", "already_blue",
  /// "impossible" or "error".
  std::string outcome;
  /// The switch's detail or error.
  std::string detail;
};

/// The agent's decisions as one pure step, shared by the daemon and `novactl rules test`:
/// each tick evaluates the rules over a store, retries a failed rollback when it is due,
/// steps the escalator, and turns what it decided into actions (a rollback request,
/// notifications) returned as data. People's commands and the switch's rollback reports
/// come in through command() and rollbackFinished(). No threads, no I/O, no clock reads:
/// every time is passed in.
///
/// Not thread-safe: one owner drives it. Movable.
class Watcher {
 public:
  /// An escalator restored with a rollback decided but not completed (the process stopped
  /// while the switch ran) makes the first tick carry the rollback out again.
  Watcher(rules::RuleSet ruleSet, policy::Escalator escalator, WatchOptions options = {});

  /// Evaluates every rule over `storage` at `time.evaluateAt` and steps the escalator.
  /// A failed rollback whose retry is due (by `time.mono`) comes first in the actions.
  /// `refused` is what the store's series limit refused in the last scrape: a rule reading
  /// a metric name with refused series (directly or through recording rules, or through a
  /// selector without a fixed name) is unknown with the reason unless it breaches on what
  /// it sees. `remote` holds the answers of the remote rules' sources (rules::evaluateRules);
  /// null: remote rules are unknown ("remote source not configured"). The storage must not
  /// be written during the call.
  TickOutput tick(const tsdb::Storage& storage, TickTime time, const tsdb::Refusals& refused = {},
                  const rules::RemoteAnswers* remote = nullptr);

  /// Applies a person's command at `now`. Errors are the escalator's refusals, nothing
  /// changed then: kConflict when the state does not allow it ("release: no hold is
  /// active"), kInvalidInput for a hold that ends before it starts. A rollback command
  /// while a decided rollback is not done drives it again (after failed retries, or a
  /// restart) unless an attempt is running (kConflict); after it is done, kConflict.
  Result<Output> command(const Command& command, Now now);

  /// The switch's answer to a RollbackAction: flipped or already on blue completes the
  /// rollback in the escalator (rollback_done notification); impossible gives a critical
  /// rollback_impossible notification; an error schedules a retry `rollbackRetry` after
  /// `now.mono`, or, after the last attempt, counts as impossible.
  Output rollbackFinished(const RollbackReport& report, Now now);

  /// Swaps in new rules (the daemon's SIGHUP) with `policyYaml` over their policy; the
  /// escalator keeps its state through snapshot/restore. On error nothing changes.
  Status replaceRules(rules::RuleSet ruleSet, const std::optional<std::string>& policyYaml);

  const rules::RuleSet& ruleSet() const { return ruleSet_; }
  const policy::Escalator& escalator() const { return escalator_; }
  const std::optional<RollbackState>& rollback() const { return rollback_; }
  /// The time the last tick evaluated at, if any.
  std::optional<TimestampMs> lastTick() const { return lastTick_; }

 private:
  bool rollbackUnfinished() const;
  Result<Output> finishRollback(const Command& command, Now now);
  void decided(policy::Decision decision, TimestampMs now, const std::string& who, Output& out);
  void giveUp(const traffic::RollbackRequest& request, const std::string& reason, TimestampMs now,
              Output& out);

  rules::RuleSet ruleSet_;
  /// The scraped metric names each rule reads, for judging refused series.
  std::vector<std::optional<std::vector<std::string>>> readNames_;
  policy::Escalator escalator_;
  promql::Engine engine_;
  WatchOptions options_;
  std::optional<TimestampMs> lastTick_;
  std::optional<RollbackState> rollback_;
};

}  // namespace nova::watch
