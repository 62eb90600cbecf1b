#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nova/core/result.h"
#include "nova/core/time.h"
#include "nova/rollout/phase.h"

namespace nova::rollout {

/// How one step of a phase ended.
enum class StepResult { kOk, kFailed, kSkipped };

/// "ok", "failed", "skipped".
std::string_view stepResultName(StepResult result);
std::optional<StepResult> parseStepResult(std::string_view name);

/// One step of the rollout as the record keeps it: a pre-flight check, the snapshot, the
/// deploy, a smoke test, the switch...
struct StepRecord {
  Phase phase = Phase::kPreflight;
  /// Short and stable: "nodes-ready", "snapshot", "smoke:create-stream".
  std::string name;
  StepResult result = StepResult::kOk;
  /// Wall time the step ended.
  TimestampMs at = 0;
  /// What happened, for people (bounded; see RecordLimits). A skipped check's reason.
  std::string detail;

  friend bool operator==(const StepRecord&, const StepRecord&) = default;
};

/// Blue as it was before Phase 4 scaled it down: what a rollback scales back up to.
struct BlueBefore {
  std::int64_t replicas = 0;
  std::string image;

  friend bool operator==(const BlueBefore&, const BlueBefore&) = default;
};

/// A rollout started outside the deployment window (`--outside-window "reason"`).
struct OverrideRecord {
  std::string reason;
  std::string by;
  TimestampMs at = 0;

  friend bool operator==(const OverrideRecord&, const OverrideRecord&) = default;
};

/// The rollout's record, kept on the traffic object (annotations on the Ingress or
/// HTTPRoute; a JSON file beside the nginx include on plain hosts) so that it never
/// disagrees with where traffic goes, survives any crash of novactl, and tells the agent
/// which rollout it guards.
struct Record {
  std::string rolloutId;
  std::string version;
  Phase phase = Phase::kPreflight;
  /// For kNeedsPerson and kParked: the run phase the rollout stopped in (a resume starts
  /// from there); nullopt otherwise.
  std::optional<Phase> stoppedIn;
  TimestampMs startedAt = 0;
  /// When traffic moved to green (set by the switch patch itself).
  std::optional<TimestampMs> switchedAt;
  /// The database snapshot taken in Step 1.2; "" until then.
  std::string snapshotId;
  std::optional<BlueBefore> blue;
  std::optional<OverrideRecord> windowOverride;
  /// The most recent steps, oldest first; at most RecordLimits::maxSteps.
  std::vector<StepRecord> steps;
  /// How many older steps were dropped to keep the record bounded.
  std::int64_t stepsDropped = 0;
  /// Incremented by every write; the compare-and-swap tests it. 0 before the first write.
  std::int64_t revision = 0;

  /// The phase a resume works from: stoppedIn for a stopped rollout, else phase.
  Phase effectivePhase() const { return stoppedIn.value_or(phase); }

  friend bool operator==(const Record&, const Record&) = default;
};

/// Bounds that keep the record small: Kubernetes allows 256 KiB of annotations per object
/// in total, shared with everything else on the object.
struct RecordLimits {
  std::size_t maxSteps = 50;
  std::size_t maxDetailBytes = 300;
  /// Our annotations together (keys and values) may not exceed this.
  std::size_t maxRecordBytes = 32 * 1024;
};

/// The Kubernetes limit on all annotations of one object together (keys plus values).
inline constexpr std::size_t kAnnotationsTotalLimit = 256 * 1024;

/// Appends `step`, truncating its detail to limits.maxDetailBytes (at a UTF-8 boundary,
/// marked with "...") and dropping the oldest steps beyond limits.maxSteps (counted in
/// stepsDropped).
void appendStep(Record& record, StepRecord step, const RecordLimits& limits = {});

/// A rollout id: 1-63 characters of [A-Za-z0-9._-], starting with a letter or digit. It
/// travels into annotations, environment variables, snapshot ids and file names.
Status validateRolloutId(std::string_view id);

/// A version: 1-128 printable ASCII characters without spaces ("v1.2.4").
Status validateVersion(std::string_view version);

}  // namespace nova::rollout
