#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "nova/core/severity.h"
#include "nova/core/time.h"
#include "nova/rollout/exit_code.h"
#include "nova/rollout/phase.h"
#include "nova/rollout/record.h"

namespace nova::rollout {

/// Where user traffic goes, read live from the traffic object.
enum class TrafficSide {
  kBlue,
  kGreen,
  kSplit,    ///< Weighted between both (a staged rollback, a canary weight).
  kUnknown,  ///< Could not be read, or points at neither side.
};

/// "blue", "green", "split", "unknown".
std::string_view trafficSideName(TrafficSide side);

/// What the agent says about this rollout, read from its /status.
struct AgentVerdict {
  enum class State {
    kUnreachable,  ///< No answer.
    kNotArmed,     ///< Answers, but does not guard this rollout id (yet).
    kNoData,       ///< Armed, but its rules have no data: no verdict.
    kWatching,     ///< Armed, no incident open, no rule past its threshold.
    kBreaching,    ///< Armed, no incident open yet, but a rule is past its threshold now
                   ///< (its `for` has not run out): not a clean verdict.
    kIncident,     ///< Armed, an incident is open at `severity`.
    kRolledBack,   ///< It rolled back for this rollout.
    kHold,         ///< A person holds it: automatic action suspended.
  };
  State state = State::kUnreachable;
  Severity severity = Severity::kNone;
  /// For messages ("error_rate_high at 2.1%").
  std::string detail;
};

/// The world as read right before deciding: never the record alone (a rerun that trusted
/// "what the record says" redeployed the live side in cloudfoundry/multiapps-controller#431).
struct LiveState {
  TrafficSide traffic = TrafficSide::kUnknown;
  /// The object and field that decide, for messages ("ingress production/api-ingress:
  /// service user-service-green").
  std::string trafficDetail;
  /// Blue's ready replicas; nullopt when they could not be read.
  std::optional<std::int64_t> blueReady;
  AgentVerdict agent;
};

/// What to do next.
struct NextStep {
  enum class Kind {
    kRunPhase,  ///< Run `phase` (idempotently: it may have run in part before).
    kWait,      ///< Monitoring: judge again by `waitUntil` (sooner when something changes).
    kFinish,    ///< Write `phase` (and `stoppedIn`) to the record and end with `outcome`.
    kStop,      ///< Change nothing and end with `outcome`: a finished rollout run again, a
                ///< usage error.
  };
  Kind kind = Kind::kRunPhase;
  Phase phase = Phase::kPreflight;
  /// kFinish into kNeedsPerson or kParked: the run phase it stopped in.
  std::optional<Phase> stoppedIn;
  Outcome outcome = Outcome::kSucceeded;
  TimestampMs waitUntil = 0;
  /// Why, for the log, the events and the record's step.
  std::string reason;
};

/// Decides what a run of rollout `rolloutId` for `version` does next, from the record on
/// the traffic object and the live state, at wall time `now`. Pure. Used at the start of
/// a run (a fresh start or a resume) and after every phase and monitoring poll, so a
/// resume and an uninterrupted run take the same decisions. Highlights:
///   - a new rollout (no record, or another rollout's finished one) starts at pre-flight;
///   - the same id with another version is refused (kStop, kUsage);
///   - a finished rollout is never restarted: it reports its outcome again (kStop), or
///     kNeedsPerson when the live state contradicts it;
///   - before the switch, traffic must still be on blue, or a person must look;
///   - once switched, traffic back on blue with ready pods means rolled back, and blue
///     is never touched; on blue without ready pods a person must act;
///   - the monitoring window is anchored to the recorded switch time; after it, blue is
///     scaled down only on the agent's clean (or LOW) verdict; a MEDIUM or worse incident,
///     or no verdict at all (agent unreachable, not armed, no data), waits up to
///     bounds.mediumMaxWait and then stops for a person with blue warm; a hold parks.
NextStep nextStep(const std::optional<Record>& record, std::string_view rolloutId,
                  std::string_view version, const LiveState& live, TimestampMs now,
                  const PhaseBounds& bounds);

}  // namespace nova::rollout
