#include "nova/daemon/arming.h"

namespace nova::daemon {
namespace {

ArmingDecision stay(std::string reason = "") {
  return {ArmingDecision::Kind::kStay, {}, std::move(reason)};
}

ArmingDecision arm(ArmedFor target, std::string reason) {
  return {ArmingDecision::Kind::kArm, std::move(target), std::move(reason)};
}

std::string describeRollout(const RolloutSighting& s) {
  std::string out = "rollout " + *s.rolloutId;
  if (!s.version.empty()) {
    out += " of " + s.version;
  }
  out += s.phase.empty() ? " (lease only)" : " in phase " + s.phase;
  return out + "; " + s.detail;
}

}  // namespace

std::string_view toString(ArmingMode mode) {
  switch (mode) {
    case ArmingMode::kAuto:
      return "auto";
    case ArmingMode::kRecord:
      return "record";
    case ArmingMode::kAlways:
      return "always";
  }
  return "auto";
}

std::optional<ArmingMode> parseArmingMode(std::string_view text) {
  for (auto mode : {ArmingMode::kAuto, ArmingMode::kRecord, ArmingMode::kAlways}) {
    if (text == toString(mode)) {
      return mode;
    }
  }
  return std::nullopt;
}

ArmingDecision decideArming(const ArmingInputs& in, const RolloutSighting& s) {
  if (in.mode == ArmingMode::kAlways || !s.readOk) {
    return stay();
  }
  const bool armedForIt = in.armed && s.rolloutId && in.armed->rolloutId == *s.rolloutId;
  if (s.greenLive && s.rolloutId && s.switchedAt) {
    if (armedForIt) {
      return stay();
    }
    return arm({*s.rolloutId, s.version, *s.switchedAt},
               "green is live under " + describeRollout(s));
  }
  if (!in.armed && in.restoredFor && in.restoredRollbackUnfinished &&
      s.rolloutId.value_or("") == *in.restoredFor) {
    return arm({*in.restoredFor, s.version, s.switchedAt.value_or(in.unrecordedSwitchedAt)},
               "the restored state of rollout \"" + *in.restoredFor +
                   "\" has a rollback to finish; " + s.detail);
  }
  if (!s.rolloutId && in.mode == ArmingMode::kAuto) {
    if (in.armed && in.armed->rolloutId.empty()) {
      return stay();
    }
    if (!in.armed || !in.rollbackDecided) {
      return arm({"", "", in.unrecordedSwitchedAt},
                 "no rollout record on the traffic object: guarding as without one; " + s.detail);
    }
  }
  if (!in.armed || in.rollbackDecided) {
    return stay();
  }
  return {ArmingDecision::Kind::kDisarm,
          {},
          s.rolloutId ? "green is not live under a rollout: " + describeRollout(s)
                      : "no rollout record on the traffic object; " + s.detail};
}

}  // namespace nova::daemon
