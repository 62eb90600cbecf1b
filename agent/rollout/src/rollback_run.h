#pragma once

#include <functional>
#include <optional>
#include <string>

#include "nova/rollout/lease.h"
#include "nova/rollout/rollback.h"

namespace nova::rollout::detail {

/// One line of a rollback's progress: its stage (RollbackEvent::line.phase), the step, the
/// result and what happened.
struct StepLine {
  std::string_view stage;
  std::string step;
  std::string result;
  std::string detail;
};

/// One run of a rollback option: the lease it holds and the steps it records. Each option
/// (rollback_switch.cpp, rollback_staged.cpp, rollback_db.cpp) is a sequence of steps:
/// skip it when the record already has it, else act, then record it.
class RollbackRun {
 public:
  RollbackRun(const RolloutConfig& config, RollbackParts parts, const RollbackOrder& order,
              std::function<void(const RollbackEvent&)> events)
      : config(config),
        parts(parts),
        order(order),
        events_(std::move(events)),
        startedAt_(parts.clock.now()) {}

  /// Takes the lease and announces the start (RollbackNotice::kStarted, with `detail` after
  /// the order's reason); from then on a failure is news (kFailed).
  Status begin(const std::string& detail = "");
  /// True once begin() succeeded.
  bool begun() const { return begun_; }

  /// Takes the lease whoever holds it (a rollback pre-empts a running rollout, whose next
  /// renewal finds it gone and stops). Retries a conflicting write twice.
  Status takeLease();
  /// Writes the lease again (renewal while waiting); kConflict when another run took it.
  Status renewLease();
  /// Removes the lease at the end (best effort: a lease left behind expires).
  void releaseLease();

  /// True when the record has step `name` with result ok.
  bool recorded(const std::string& name) const;
  /// Appends step `name` (with `detail`) to the record and applies `change` to it, as one
  /// compare-and-swap under the lease, re-read and retried on a conflict of another writer.
  Status record(const std::string& name, const std::string& detail,
                const std::function<void(Record&)>& change = {});
  /// Reads the traffic object again: record, lease and side (result.record, .traffic).
  Status reread();

  /// Says `line` to the person (progress) and keeps its detail in result.actions when
  /// `acted`.
  void say(const StepLine& line, bool acted = false);
  /// Says `line` with the news `notice` for the team channel.
  void announce(const StepLine& line, RollbackNotice notice);
  /// The stage of the last line said ("rollback" before any).
  const std::string& stage() const { return stage_; }

  /// The option's own steps, shared between options.
  /// Blue back to its recorded replicas and ready within bounds.switch (kTimeout), unless
  /// recorded; nothing to do without recorded replicas.
  Status restoreBlue();
  /// The guarded flip to blue, then traffic read back on blue (kUnavailable when not), and
  /// the record's phase set to kRolledBack.
  Status flipToBlue();

  /// The step names, "rollback:" + what.
  static std::string stepName(std::string_view what) { return "rollback:" + std::string(what); }

  const RolloutConfig& config;
  RollbackParts parts;
  const RollbackOrder& order;
  std::optional<TrafficRead> read;
  std::optional<Lease> lease;
  RollbackResult result;

 private:
  void emit(const StepLine& line, std::optional<RollbackNotice> notice);

  std::function<void(const RollbackEvent&)> events_;
  TimestampMs startedAt_;
  std::string stage_ = "rollback";
  bool begun_ = false;
};

/// The options' bodies, each ending `run.result`.
void runSwitchOption(RollbackRun& run);
void runFullOption(RollbackRun& run);
void runStagedOption(RollbackRun& run);
void runDbOption(RollbackRun& run);

/// The --dry-run plan of the order's option, into run.result.plan; changes nothing.
void planRollback(RollbackRun& run);

/// Ends the result with `outcome` and `message`.
void finish(RollbackRun& run, Outcome outcome, std::string message);

/// Says the end: stage "rollback", step "end", the outcome's name and the message,
/// announced as kFailed when a begun run needs a person or failed.
void sayEnd(RollbackRun& run);

/// True, with the result ended as kInterrupted, when a stop was requested: checked at each
/// step boundary, since a stop otherwise only ends a wait.
bool stoppedAtBoundary(RollbackRun& run);

/// Ends the result after a failed step: with `otherwise` and `message`, or, when a stop was
/// requested (a stop ends a wait or a hook with an error), as stoppedAtBoundary does, with
/// `message` after it.
void failStep(RollbackRun& run, Outcome otherwise, const std::string& message);

}  // namespace nova::rollout::detail
