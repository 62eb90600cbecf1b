#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nova/core/clock.h"
#include "nova/core/time.h"
#include "nova/http/client.h"
#include "nova/rollout/config.h"
#include "nova/rollout/engine.h"
#include "nova/rollout/exit_code.h"
#include "nova/rollout/hook.h"
#include "nova/rollout/record.h"
#include "nova/rollout/stop.h"
#include "nova/rollout/traffic_object.h"
#include "nova/traffic/switch.h"

namespace nova::rollout {

/// The runbook's rollback options, made safe (see runRollbackOption).
enum class RollbackOption {
  kSwitch,  ///< Option 1: blue back up and healthy, then the flip, then verified.
  kFull,    ///< Option 3: kSwitch, then green removed (hook or scaled to 0).
  kStaged,  ///< The staged rollback: green's weight lowered and watched; park or go to 0.
  kDb,      ///< Option 2: the database restore hook, only with --confirm SNAPSHOT_ID.
};

/// "switch", "full", "staged", "db".
std::string_view rollbackOptionName(RollbackOption option);
std::optional<RollbackOption> parseRollbackOption(std::string_view name);

/// What `novactl rollback` was asked.
struct RollbackOrder {
  RollbackOption option = RollbackOption::kSwitch;
  std::string reason = "manual rollback";
  /// Who runs it ($GITHUB_ACTOR, $USER...) and this run ("host/pid/random") for the lease.
  std::string who;
  std::string instance;
  /// kStaged: green's weight while watched (default rollback.staged.weight) and how long
  /// (default rollback.staged.watch).
  std::optional<std::int64_t> weight;
  std::optional<DurationMs> watch;
  /// kDb: must equal the record's snapshot id.
  std::string confirm;
  /// Prints the exact patches and commands into RollbackResult::plan; changes nothing.
  bool dryRun = false;
};

/// The news a rollback step carries for the team channel (see rollbackNotification).
enum class RollbackNotice {
  kStarted,       ///< The lease is taken and the option starts (option, who, reason).
  kOnBlue,        ///< switch, full: traffic read back on blue.
  kGreenRemoved,  ///< full: green removed.
  kParked,        ///< staged: parked at green's lowered weight for a person.
  kToZero,        ///< staged: green's weight 0, traffic read back on blue.
  kRestored,      ///< db: the restore hook succeeded.
  kFailed,        ///< A started rollback ended needing a person (or in an error).
};

/// "started", "on_blue", "green_removed", "parked", "to_zero", "restored", "failed".
std::string_view rollbackNoticeName(RollbackNotice notice);

/// One step of a rollback as it happens: the progress line for people and, when the step is
/// news for the team, its notice.
struct RollbackEvent {
  /// `line.phase` is the stage the step belongs to ("rollback" for the start, the lease and
  /// the end; "blue", "flip", "green", "weight", "watch", "db"), `line.step` the step in it,
  /// `line.result` "info", "ok", "skipped", "failed", or the outcome's name at the end.
  EngineEvent line;
  /// The stage the run is in: line.phase, except for the end, which is said in "rollback"
  /// and keeps the stage the run ended in.
  std::string stage;
  std::optional<RollbackNotice> notice;
  RollbackOption option = RollbackOption::kSwitch;
  /// The record's rollout id and version; without a record the id is "unrecorded-" and the
  /// run's start (UTC, to the second) and the version "".
  std::string rolloutId;
  std::string version;
  /// The order's who.
  std::string who;
  /// Where traffic was at the last read.
  TrafficSide traffic = TrafficSide::kUnknown;
};

/// What the rollback talks to; owned by the caller, all outliving the call.
struct RollbackParts {
  TrafficObject& traffic;
  /// The guarded switch that flips traffic to blue (the agent's, with the blue guard).
  traffic::Switch& backToBlue;
  HookRunner& hooks;
  StopSource& stop;
  const Clock& clock;
  /// Reads green's /metrics while a staged rollback watches it.
  http::Client& http;
};

/// How the rollback ended.
struct RollbackResult {
  Outcome outcome = Outcome::kError;
  /// One line for people: what happened and where traffic is.
  std::string message;
  /// The record as last read or written; nullopt when the object has none.
  std::optional<Record> record;
  TrafficSide traffic = TrafficSide::kUnknown;
  /// Green's weight at the end (kStaged), as read back from the switch.
  std::optional<std::int64_t> greenWeight;
  /// The steps this run took (not those a previous run had already recorded), in order.
  std::vector<std::string> actions;
  /// --dry-run: the plan, one step a line, with the exact patches and commands.
  std::string plan;
};

/// Runs one rollback option. Every option takes the traffic object's lease whoever holds
/// it (a rollback pre-empts a running rollout) and renews it while it waits, works with the
/// agent dead and in any window, and records each step on the record (compare-and-swap)
/// before the step counts; a step already recorded is not taken again, so a run killed
/// between steps and run again takes each external action exactly once.
///   - kSwitch: blue back to its recorded replicas and ready (bounds.switch), then the flip
///     through `backToBlue`, then traffic read back on blue: kRolledBack.
///   - kFull: kSwitch, then green removed by rollback.full.remove_green, or green's
///     Deployment scaled to 0 and waited for until no pod is left (rollback.full.timeout):
///     kRolledBack; a removal that fails or times out is kNeedsPerson (traffic on blue).
///   - kStaged: kUsage before anything changes when the switch cannot weigh
///     (kubernetes-ingress). Blue back up as kSwitch does, green's weight set (CAS) to the
///     order's weight, green's error rate watched from its own /metrics: above
///     max_error_rate (or fewer than min_requests: no data) green goes to 0, kRolledBack;
///     healthy to the end of the watch parks: the record's phase is kParked with the
///     weight, kParked. A staged rollback run again on a parked record goes to 0.
///   - kDb: kUsage unless the record has a snapshot id, rollback.db.restore is configured
///     and the order's confirm equals the id (the message then names the recorded id);
///     runs the restore hook with NOVA_SNAPSHOT_ID, once: kSucceeded. Traffic is untouched.
/// A stop request ends it at the next step boundary with kInterrupted, the record
/// consistent. `events` receives each step as it happens (on the calling thread), and a
/// last event, step "end", with the outcome: its notice is kFailed when a started rollback
/// ends in kNeedsPerson or kError. A notice is sent whenever its state is reached, also
/// when an earlier run had reached it (the receivers' ledgers skip what was sent). A dry run
/// sends no events.
RollbackResult runRollbackOption(const RolloutConfig& config, RollbackParts parts,
                                 const RollbackOrder& order,
                                 std::function<void(const RollbackEvent&)> events = {});

/// The share of failing requests between two readings of green's /metrics, or nullopt when
/// fewer than `minRequests` requests were served in between (no data). Counters that went
/// down (a restart) count from 0. Pure.
std::optional<double> errorRateBetween(double requestsBefore, double errorsBefore,
                                       double requestsAfter, double errorsAfter,
                                       std::int64_t minRequests);

/// The sums of `requestsMetric` and `errorsMetric` over all their series in a Prometheus
/// text exposition. Errors: kInvalidInput naming line and column for a malformed body,
/// kNotFound when the requests counter is absent.
Result<std::pair<double, double>> parseRequestCounters(std::string_view exposition,
                                                       std::string_view requestsMetric,
                                                       std::string_view errorsMetric);

}  // namespace nova::rollout
