#pragma once

#include <functional>
#include <optional>
#include <string>

#include "nova/rollout/lease.h"
#include "nova/rollout/rollback.h"

namespace nova::rollout::detail {

/// One run of a rollback option: the lease it holds and the steps it records. Each option
/// (rollback_switch.cpp, rollback_full.cpp, rollback_staged.cpp, rollback_db.cpp) is a
/// sequence of steps: skip it when the record already has it, else act, then record it.
class RollbackRun {
 public:
  RollbackRun(const RolloutConfig& config, RollbackParts parts, const RollbackOrder& order,
              std::function<void(const std::string&)> progress)
      : config(config), parts(parts), order(order), progress_(std::move(progress)) {}

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

  /// Says `line` to the person (progress) and keeps it in result.actions when `acted`.
  void say(const std::string& line, bool acted = false);

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
  std::function<void(const std::string&)> progress_;
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

/// True, with the result ended as kInterrupted, when a stop was requested: checked at each
/// step boundary, since a stop otherwise only ends a wait.
bool stoppedAtBoundary(RollbackRun& run);

/// The outcome of a failed step: kInterrupted for a stop request (kUnavailable from a
/// wait that a stop ended), `otherwise` else.
Outcome failedStep(const RollbackRun& run, Outcome otherwise);

}  // namespace nova::rollout::detail
