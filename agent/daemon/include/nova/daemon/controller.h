#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nova/core/clock.h"
#include "nova/core/result.h"
#include "nova/core/time.h"
#include "nova/core/timeline.h"
#include "nova/daemon/actions.h"
#include "nova/daemon/arming.h"
#include "nova/daemon/bucket_warnings.h"
#include "nova/daemon/journal.h"
#include "nova/daemon/metrics.h"
#include "nova/daemon/stored_state.h"
#include "nova/dashboard/document.h"
#include "nova/policy/escalator.h"
#include "nova/rules/evaluator.h"
#include "nova/rules/loader.h"
#include "nova/scrape/prober.h"
#include "nova/scrape/target_pool.h"
#include "nova/tsdb/storage.h"
#include "nova/watch/policy_setup.h"
#include "nova/watch/watcher.h"

namespace nova::daemon {

/// A person's command from the API, already parsed.
using watch::Command;

/// The answer to a Command, ready for HTTP.
struct CommandReply {
  int status = 200;
  /// JSON: {"ok":true,"action":...,"incident":...} or {"ok":false,"error":...}.
  std::string body;
};

struct ControllerOptions {
  /// The status URL in notifications and the rollback retries.
  watch::WatchOptions watch;
  /// JSON embedded as "config" in /status (see describe()).
  std::string configJson = "null";
  /// kAlways: the escalator passed in guards from the start (restored or fresh). kAuto
  /// and kRecord: the agent starts in shadow with it (fresh) until sighted() arms it.
  ArmingMode arming = ArmingMode::kAlways;
  /// The state file read at start (kAuto, kRecord): restored when the agent arms for its
  /// rollout id, discarded when it arms for another.
  std::optional<StoredState> restored;
  /// Where events and decisions are journaled; null for none. Must outlive the controller.
  Journal* journal = nullptr;
  /// The agent's time line, shared with the prober so ticks, commands and samples read
  /// one time; null: the controller keeps one of its own over the clock. Must outlive it.
  const Timeline* timeline = nullptr;
  /// A restored state re-anchored because its times lay in the future (for /status).
  std::optional<watch::FutureState> restoredFromFuture;
  /// The remote rules' answers for a tick at the given time (the daemon's RemoteRounds:
  /// the newest completed round, never waiting); empty: remote rules are unknown.
  std::function<rules::RemoteAnswers(const rules::RuleSet&, TimestampMs)> remoteAnswers;
  /// JSON object of the remote sources' state for /status ("sources"); empty: none.
  std::function<std::string()> sourcesJson;
  /// Leader election: whether this agent leads at this instant, asked at every tick,
  /// command and rollback report; empty: it acts alone (always leads). A follower is in
  /// shadow even when armed, with its guarded state kept warm (see the class). Must be
  /// cheap; called on the loop thread.
  std::function<bool()> leading;
  /// JSON object for /status "leader"; empty: {"enabled":false,"is_leader":true}.
  std::function<std::string()> leaderJson;
  /// JSON object of blue's baseline for /status ("baseline"); empty: none configured.
  std::function<std::string()> baselineJson;
};

/// Re-anchors a restored escalator whose times lie in the future of `now` (see
/// watch::anchorRestoredState) and says so in the log: a warning beyond the bound, a note
/// within it. nullopt when none of its times is in the future.
std::optional<watch::FutureState> reanchorRestoredState(policy::Escalator& escalator,
                                                        TimestampMs now);

/// The daemon's side of the watch::Watcher, free of threads and sleeping: each tick runs
/// the watcher over the store, logs every decision (one line with incident id, action and
/// reason), counts it, keeps it for /status, and hands the actions (notifications, the
/// rollback) to the ActionQueue. It also passes on people's commands and the worker's
/// rollback reports. Time comes from the Clock through a Timeline (wall time at start
/// advanced by monotonic time), so a wall-clock step freezes no `for`, window or retry;
/// tests drive it with a ManualClock and drain the queue through an ActionExecutor.
///
/// Arming: only while armed does a tick's decision act (roll back, notify, page). In
/// shadow every tick is evaluated and shown, and what it would have done is logged and
/// counted (nova_agent_shadow_actions_total), never carried out; a shadow rollback
/// starts the shadow state over. People's commands and the outcome of a rollback already
/// under way are carried out in shadow too: a person decided, or the agent did while armed.
///
/// Leadership (options.leading): with several agents beside one green only the leader acts.
/// A follower that is armed keeps the guarded escalator as the leader does (same rules, same
/// record, so the same incident ids and notification keys) and records its actions as
/// shadow actions; a rollback it decides in shadow stays decided. When it becomes leader it
/// continues from there: no notification already due is sent again, and an undone rollback
/// is carried out again (the switch's compare-and-swap answers "already on blue" when the
/// old leader's flip landed). Losing leadership drops the actions still queued and refuses
/// people's commands (409) until it leads again.
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

  /// Evaluates, steps, acts at the time line's now. Also retries a failed rollback when its
  /// time has come.
  policy::Decision tick() { return tickAt(agentTime_.now()); }
  /// As tick(), evaluating at `at` (ms on the time line): the daemon passes a scrape's
  /// timestamp so ticks sit on the scrape grid. An `at` before the last one counts as the
  /// last one.
  policy::Decision tickAt(TimestampMs at);

  /// Applies a person's command: 200 with the decision, 409 when the state refuses it
  /// (kConflict), 400 when the command itself is invalid (kInvalidInput).
  CommandReply command(const Command& command);

  /// The worker's report on a rollback: flipped or already on blue completes it in the
  /// escalator; impossible sends a CRITICAL notification; an error is retried.
  void rollbackFinished(const RollbackReport& report);

  /// Swaps in new rules (SIGHUP); the escalator keeps its state through snapshot/restore.
  /// On error nothing changes.
  Status replaceRules(rules::RuleSet ruleSet, const std::optional<std::string>& policyYaml);

  /// A read of the rollout record on the traffic object: arms, disarms or changes nothing
  /// (decideArming). Arming starts a fresh escalator anchored to the recorded switch time,
  /// or the restored one when the state file belongs to the same rollout id. Each change
  /// is logged, counted, journaled and shown on /status.
  ArmingDecision sighted(const RolloutSighting& sighting);
  /// Whom the agent guards; nullopt in shadow.
  const std::optional<ArmedFor>& armedFor() const { return armed_; }
  /// The state file's content (encodeStoredState): the guarded rollout's escalator;
  /// nullopt in shadow, whose state is not worth keeping.
  std::optional<std::string> persistentState() const;

  /// True once a scrape succeeded.
  bool ready() const { return ready_; }
  /// The escalator's state to persist, in wall time: the time line's times plus the wall
  /// offset (when it is a second or more), so a restart, whose time line starts at the
  /// wall clock, continues every span where it was even after a step while running.
  std::string snapshot() const;
  /// /status as JSON.
  std::string statusJson() const;
  /// The several targets the agent watches (target.urls or target.discovery) and how
  /// discovery fares ("" without discovery), shown under /status "targets".
  void setTargets(std::vector<scrape::TargetStatus> targets, std::string discovery);
  /// The time line ticks, commands and decisions are stamped on.
  const Timeline& timeline() const { return agentTime_; }
  /// What the dashboard shows besides its charts, at `now` (ms on the time line): the rules as
  /// judged by the last tick, the incident and its next step, the hold, where traffic is, the
  /// recent events and people's commands. The rollout view, the switch's detail and
  /// whether commands are enabled are left for the caller, which knows its configuration.
  dashboard::DocumentInputs dashboardInputs(TimestampMs now) const;
  const rules::RuleSet& ruleSet() const { return watcher_.ruleSet(); }
  const policy::Escalator& escalator() const { return watcher_.escalator(); }
  /// This agent leads (always true without leader election), as last asked.
  bool leading() const { return leading_; }

 private:
  /// Asks options.leading and follows a change: a new leader resumes an undone rollback, a
  /// follower drops what is queued.
  void followLeadership();
  /// Armed and leading: a decision is carried out.
  bool mayAct() const { return armed_.has_value() && leading_; }
  // `mayAct` false (a shadow tick): the actions are logged and counted, not queued.
  void carryOut(watch::Output& out, bool mayAct);
  void shadowAction(const watch::Action& action, TimestampMs at);
  // A new watcher with the same rules and policy over `escalator`.
  void replaceWatcher(policy::Escalator escalator);
  void arm(const ArmedFor& target, const std::string& reason, TimestampMs now);
  void disarm(const std::string& reason, TimestampMs now);
  void restoreTimelineFromJournal();
  void journal(const JournalEntry& entry);
  /// Now for a command or a rollback report: the time line's and the monotonic clock's.
  watch::Now now() const { return {agentTime_.now(), clock_.monoNow()}; }
  /// Logs the start and the end of a burst of series refused by the store's limit.
  void noteRefusals(const scrape::ProbeEvent& scrape);
  void record(const policy::Decision& decision, TimestampMs now);
  void recordCommand(const Command& command, bool accepted, std::string detail);

  struct Probe {
    std::optional<scrape::ProbeEvent> last;
    std::optional<TimestampMs> lastOk;
  };
  struct ArmingChange {
    TimestampMs at = 0;
    std::string change;
    std::string rolloutId;
    std::string reason;
  };
  struct DecisionRecord {
    TimestampMs at = 0;
    std::string incident;
    std::string action;
    std::string reason;
  };

  watch::Watcher watcher_;
  tsdb::Storage& storage_;
  const Clock& clock_;
  std::unique_ptr<Timeline> ownTimeline_;
  const Timeline& agentTime_;
  ActionQueue& queue_;
  AgentMetrics& metrics_;
  ControllerOptions options_;

  bool ready_ = false;
  Probe health_;
  Probe scrape_;
  std::optional<std::vector<scrape::TargetStatus>> targets_;
  std::string discovery_;
  std::vector<rules::RuleEvaluation> lastResults_;
  BucketWarnings bucketWarnings_;
  /// What the store's series limit refused in the last scrape, judged at each tick.
  tsdb::Refusals refused_;
  /// Scrapes in the current burst of refusals (0 when the last scrape refused nothing).
  std::uint64_t refusingScrapes_ = 0;
  std::string timelineIncident_;
  std::vector<policy::TimelineEvent> timeline_;
  std::deque<policy::TimelineEvent> recentEvents_;
  std::deque<DecisionRecord> decisions_;
  std::deque<dashboard::CommandRecord> commands_;

  std::optional<ArmedFor> armed_;
  std::optional<StoredState> restored_;
  bool restoredRollbackUnfinished_ = false;
  std::optional<RolloutSighting> lastSighting_;
  std::optional<TimestampMs> armedSince_;
  std::deque<ArmingChange> armingChanges_;
  std::uint64_t shadowActions_ = 0;
  bool leading_ = true;
};

/// {"ok":true,"action":...,"reason":...,"incident":id|null,"events":[...]}.
std::string commandReplyJson(const policy::Decision& decision);
/// {"ok":false,"error":message}.
std::string commandErrorJson(const std::string& message);

}  // namespace nova::daemon
