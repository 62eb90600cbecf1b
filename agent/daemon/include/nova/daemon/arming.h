#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "nova/core/time.h"

namespace nova::daemon {

/// When the agent acts on what it judges.
enum class ArmingMode {
  /// Follow the rollout record on the traffic object when there is one (a record or a
  /// lease); an object without any rollout is guarded as by kAlways. The default: setups
  /// that never run `novactl rollout` keep working unchanged.
  kAuto,
  /// Act only while green is live under a rollout id the record names; shadow otherwise.
  kRecord,
  /// Always act, from the agent's start (or traffic_switched_at); the record is not read.
  kAlways,
};

/// "auto", "record", "always".
std::string_view toString(ArmingMode mode);
std::optional<ArmingMode> parseArmingMode(std::string_view text);

/// What one read of the traffic object says about the rollout it carries.
struct RolloutSighting {
  /// False when the object could not be read: the arming stays as it is.
  bool readOk = true;
  /// Set when the object carries a rollout's record, or only its lease (a rollout that
  /// has just started).
  std::optional<std::string> rolloutId;
  std::string version;
  /// The record's phase ("monitor"); "" without a record.
  std::string phase;
  /// When the record says traffic moved to green (wall ms).
  std::optional<TimestampMs> switchedAt;
  /// Green serves users under this rollout: the record is past the switch (switch time
  /// set, not rolled back) and the object points at green.
  bool greenLive = false;
  /// Where traffic goes and why this reads as it does, or the read's error; for people.
  std::string detail;
};

/// The rollout the agent guards. An empty rolloutId is the guard of a setup without a
/// record (kAlways, or kAuto on an object without a rollout).
struct ArmedFor {
  std::string rolloutId;
  std::string version;
  /// The recorded switch time: the rollback window is anchored to it.
  TimestampMs switchedAt = 0;

  friend bool operator==(const ArmedFor&, const ArmedFor&) = default;
};

/// What the arming logic needs besides the sighting.
struct ArmingInputs {
  ArmingMode mode = ArmingMode::kAuto;
  /// Whom the agent guards now; nullopt in shadow.
  std::optional<ArmedFor> armed;
  /// The guarded state has decided its rollback: the agent stays armed for it whatever
  /// the object says, so a flip in flight (the object already on blue) is finished and the
  /// outcome stays on /status for the rollout that reads it. It acts on nothing more.
  bool rollbackDecided = false;
  /// Until the first arming: the rollout id of the state file restored at start, and
  /// whether it holds an unfinished rollback (which arms the agent to finish it).
  std::optional<std::string> restoredFor;
  bool restoredRollbackUnfinished = false;
  /// The switch time of a guard without a record (traffic_switched_at, or the start).
  TimestampMs unrecordedSwitchedAt = 0;
};

/// The answer.
struct ArmingDecision {
  enum class Kind {
    kStay,    ///< Nothing changes.
    kArm,     ///< Guard `target` from now on (a fresh state unless restored for its id).
    kDisarm,  ///< Back to shadow: green is not (or no longer) live under the guarded id.
  };
  Kind kind = Kind::kStay;
  ArmedFor target;
  /// Why, for the log line, /status and the journal.
  std::string reason;
};

/// Decides whether a sighting of the traffic object arms or disarms the agent. Pure.
///   - a failed read changes nothing;
///   - green live under id X arms for X (a guard of another id, or of none, is replaced);
///     already armed for X, nothing changes;
///   - a restored state of X with an unfinished rollback arms for X when the object still
///     names X, wherever traffic is, so the decided rollback is carried out;
///   - kAuto on an object without any rollout arms the guard without a record;
///   - otherwise (before the switch, traffic on blue, a finished or another rollout, no
///     record in kRecord) an armed agent disarms, unless it has decided its rollback.
/// kAlways never reads the object; calling this with it changes nothing.
ArmingDecision decideArming(const ArmingInputs& inputs, const RolloutSighting& sighting);

}  // namespace nova::daemon
