#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "nova/core/result.h"
#include "nova/core/severity.h"
#include "nova/core/time.h"
#include "nova/policy/config.h"
#include "nova/policy/incident.h"
#include "nova/policy/timeline.h"

namespace nova::policy {

/// What the escalator needs to know about a rule; fixed for its lifetime.
struct RuleSpec {
  std::string name;
  Severity severity = Severity::kLow;
  /// How long the rule must be non-clear without a break before it counts (ms; 0 = at once).
  DurationMs forDuration = 0;
};

/// One rule's result at one tick, from the rule evaluator.
struct RuleObservation {
  enum class State {
    kOk,         ///< Evaluated, within its threshold (or its traffic guard says "do not judge").
    kBreaching,  ///< Evaluated, past its threshold.
    kUnknown,    ///< No data: the expression returned nothing, or the scrape failed.
  };
  std::string rule;
  State state = State::kOk;
  /// The value compared with the threshold (the worst sample); NaN when unknown.
  double value = 0;
  /// The rendered summary template.
  std::string summary;
  /// For kUnknown: the measurement source whose failure left the rule without a value (a
  /// remote Prometheus that timed out, answered 5xx or refused the connection), by its
  /// configured name. Empty when the rule is unknown for want of green's own data: the
  /// incident text then speaks of green, and otherwise of the source.
  std::string failedSource{};
};

/// "ok", "breaching", "unknown".
std::string_view toString(RuleObservation::State state);

/// The answer to one tick (or one person's command).
struct Decision {
  /// The current incident; on the tick it resolves, its final form (state kResolved).
  std::optional<Incident> incident;
  /// The strongest action to take NOW. Edge-triggered: kNone on ticks where nothing new
  /// must be done, even while an incident is open.
  Action action = Action::kNone;
  /// Why `action` (the detail of its event); empty for kNone.
  std::string reason;
  /// Everything that happened in this call, in order.
  std::vector<TimelineEvent> events;
};

/// Multi-line dump (action, reason, incident, one event per line) for logs and test diffs.
std::string toString(const Decision& decision);

/// A person's suspension of automatic rollback.
///
/// A hold is taken for a reason (a HIGH error rate being investigated) and covers the
/// severities up to `covers`. A rollback due at a higher severity, by default a CRITICAL
/// (API down, data loss) that starts during the hold, is not swallowed by it: the rollback
/// is decided at once and ends the hold (events kRelease, kRollbackDecided). A hold that
/// covers CRITICAL must say so (`covers` = kCritical); a CRITICAL rollback it suppresses is
/// paged at once, even when the incident paged before or a cool-down holds pages back.
struct Hold {
  std::string who;
  std::string reason;
  TimestampMs since = 0;
  /// The hold ends by itself at the first tick at or after this time.
  TimestampMs until = 0;
  /// The highest severity whose automatic rollback the hold suspends (not kNone).
  Severity covers = Severity::kHigh;
};

/// The seed's escalation tree as a pure state machine driven by rule observations and the
/// time passed in. No I/O, no clock reads, no globals: the same inputs give the same
/// decisions, which is what makes snapshots, replicas and `novactl rules test` agree.
///
/// Semantics (see PolicyConfig for the numbers):
/// - A rule is non-clear when breaching, or unknown unless the unknown cost is "ok". After
///   `forDuration` of non-clear ticks without a clear one it fires (Prometheus `for`).
///   A rule missing from a tick's observations counts as unknown.
/// - Firing rules whose severity is not ignored open an incident or join the open one.
///   When the incident reaches a higher severity, that severity's action is taken (only the
///   top one when several are passed at once) and investigation windows start for it and
///   every lower severity not yet reached. An incident pages at most once.
/// - An incident resolves after no rule fired for `recovery`; a rule firing again sooner is
///   the same incident (same id, no second page). After a resolve, pages become notifies
///   for `coolDown`.
/// - A rollback is decided at most once per escalator. After it, the escalator keeps
///   recording rule events but takes no more actions and opens no incidents: traffic is on
///   blue and green's signals no longer speak for users.
/// - From `trafficSwitchedAt + rollbackWindow` on, a rollback that would be due is paged
///   instead (event kRollbackSuppressed); kWindowExpired is emitted once when it passes.
/// - While a hold is active, a rollback due at a severity the hold covers becomes a
///   kRollbackSuppressed event (once per hold, and once more when a CRITICAL is suppressed)
///   and no action; at the hold's expiry it is released and a rollback still due is
///   decided on that tick. A rollback due above the hold's `covers` overrides it (Hold).
/// - A suppressed CRITICAL rollback always pages (kPage, action kPage), by hold or by the
///   rollback window, whatever the incident sent before and despite the cool-down: a
///   person must act now, and nothing else will tell them.
///
/// `now` must not go backwards; an earlier `now` is treated as the latest one seen.
/// Not thread-safe: one owner drives it. Movable, not copyable.
class Escalator {
 public:
  /// `rules` must have unique names and severities other than kNone, and `config` must
  /// pass validate(); check with validate(config, rules) first when they come from a file.
  Escalator(PolicyConfig config, std::vector<RuleSpec> rules, TimestampMs trafficSwitchedAt);
  ~Escalator();
  Escalator(Escalator&&) noexcept;
  Escalator& operator=(Escalator&&) noexcept;
  Escalator(const Escalator&) = delete;
  Escalator& operator=(const Escalator&) = delete;

  /// Feeds one tick's observations (one per rule; later duplicates win) at time `now` (ms).
  Decision step(std::span<const RuleObservation> observations, TimestampMs now);

  /// Suspends automatic rollback at severities up to `covers` until `until` (ms,
  /// exclusive) and replaces any current hold. A hold never outlasts the rollback window:
  /// a later `until` is cut to its end (the event says so). Errors when `until <= now` or
  /// `covers` is kNone (kInvalidInput), when a rollback was already decided or the
  /// rollback window has ended (kConflict).
  Result<Decision> hold(TimestampMs now, TimestampMs until, std::string who, std::string reason,
                        Severity covers = Severity::kHigh);
  /// Ends the hold. Errors when there is none. A rollback that is due is decided at the
  /// next step().
  Result<Decision> release(TimestampMs now, std::string who);
  /// A person orders a rollback: decided at once, regardless of hold, window and
  /// severity. Opens an incident when none is open. Errors when a rollback was already
  /// decided (it happens at most once).
  Result<Decision> forceRollback(TimestampMs now, std::string who, std::string reason);
  /// The shell reports the traffic flip done; the incident becomes kRolledBack. Errors
  /// when no rollback is in progress.
  Result<Decision> rollbackCompleted(TimestampMs now, std::string detail);

  /// The current incident (nullopt when none is open), as step() last reported it.
  std::optional<Incident> incident() const;
  std::optional<Hold> activeHold() const;
  bool rollbackDecided() const;
  TimestampMs trafficSwitchedAt() const;
  /// trafficSwitchedAt + rollbackWindow.
  TimestampMs rollbackWindowEndsAt() const;
  const PolicyConfig& config() const;

  /// The latest time the escalator has seen: the last step's or command's `now`, or the
  /// traffic switch when it has seen none. A restored state is checked against the clock
  /// with it.
  TimestampMs latestTime() const;
  /// Moves every time of the state (switch, steps, rules' `since`, hold, incident, levels,
  /// last resolve) by `delta` ms, keeping every span between them: a state restored from a
  /// clock that ran ahead is re-anchored to the present without restarting its `for`,
  /// investigation, recovery or rollback window, and without undoing decisions.
  void shiftTimes(DurationMs delta);

  /// The state as compact JSON (schema below), to persist after every step. Config and
  /// rule specs are not included: they come from the rule file at restore.
  ///
  /// {"version":1, "switchedAt":ms, "lastNow":ms|null, "incidents":n, "windowNoted":bool,
  ///  "lastResolvedAt":ms|null, "rollbackDecided":bool,
  ///  "rules":[{"name":s, "phase":"ok"|"pending"|"firing", "since":ms, "severity":s,
  ///            "value":number|null, "summary":s}],
  ///  "hold":null|{"who":s, "reason":s, "since":ms, "until":ms, "suppressedNoted":bool,
  ///     "covers":s, "criticalNoted":bool},
  ///  "incident":null|{"id":s, "startedAt":ms, "severity":s, "state":s,
  ///     "clearSince":ms|null, "paged":bool, "windowNoted":bool, "windowCriticalNoted":bool,
  ///     "rollbackAt":ms|null, "rolledBack":bool, "members":[s], "levels":[{"severity":s,
  ///     "engagedAt":ms, "afterDone":bool, "endedNoted":bool}]}}
  ///
  /// restore() reads a snapshot without "covers", "criticalNoted" or "windowCriticalNoted"
  /// (written before holds had a scope) as "high", false and false.
  std::string snapshot() const;

  /// Rebuilds an escalator from snapshot(). Rules in the snapshot but not in `rules` are
  /// dropped; rules new in `rules` start clear. Errors name the offending field
  /// ("policy snapshot: incident.levels[0].severity: ...") for malformed JSON, a wrong
  /// version or invalid values.
  static Result<Escalator> restore(std::string_view json, PolicyConfig config,
                                   std::vector<RuleSpec> rules);

  /// The state behind the interface; opaque outside the policy module.
  struct Impl;

 private:
  explicit Escalator(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// Checks `config` (see validate(PolicyConfig)) and `rules`: names non-empty and unique,
/// severities not kNone, `forDuration` not negative. Reports the first problem.
Status validate(const PolicyConfig& config, std::span<const RuleSpec> rules);

}  // namespace nova::policy
