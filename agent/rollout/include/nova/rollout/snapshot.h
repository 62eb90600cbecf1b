#pragma once

#include <optional>
#include <string>

#include "nova/core/result.h"
#include "nova/rollout/hook.h"

namespace nova::rollout {

/// The database snapshot of Step 1.2: a command that starts it, and a command polled until
/// its output says done, all within one bound.
struct SnapshotSpec {
  /// The snapshot id, from the rollout's variables; deterministic, so a resumed rollout
  /// finds the snapshot it already took instead of taking a second one.
  std::string idTemplate = "nova-pre-deploy-${NOVA_VERSION}-${NOVA_ROLLOUT_ID}";
  CommandSpec start;
  /// Absent: the start command itself waits until the snapshot is done.
  std::optional<CommandSpec> poll;
  DurationMs interval = 15 * kSecond;
  /// RE2 patterns searched in the poll's output: done, and failed for good.
  std::string doneOutput = "available";
  std::string failedOutput = "failed|error|incompatible";
  /// The whole snapshot, polls included.
  DurationMs timeout = 10 * kMinute;
};

/// The snapshot id for `idTemplate` expanded with `variables`, made safe for cloud APIs
/// (Amazon RDS snapshot identifiers are the strictest): letters, digits and single hyphens,
/// starting with a letter, at most 63 characters (a longer id is cut and ends in a hash of
/// the whole, so it stays deterministic and distinct). Errors as expandVariables.
Result<std::string> snapshotId(const std::string& idTemplate, const HookVariables& variables);

/// How the snapshot went.
struct SnapshotOutcome {
  std::string id;
  /// True when a resume found it already done and started nothing.
  bool alreadyDone = false;
  int polls = 0;
  DurationMs elapsed = 0;
};

/// Takes the snapshot: sets NOVA_SNAPSHOT_ID in `variables`, runs `start`, then polls every
/// `interval` until `doneOutput` matches. With `resume` (the record already names this
/// snapshot) it polls first and starts nothing when the snapshot is done, and a failing
/// start (it may already exist) is left to the polls to judge. Errors: kTimeout (the bound
/// ran out, with the last poll's output), kRefused (start failed, or the poll matched
/// `failedOutput`), kUnavailable (a stop was requested), and the runner's errors.
Result<SnapshotOutcome> takeSnapshot(HookRunner& runner, StopSource& stop, const SnapshotSpec& spec,
                                     HookVariables variables, bool resume);

}  // namespace nova::rollout
