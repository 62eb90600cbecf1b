#include "nova/rollout/resume.h"

#include "nova/core/rfc3339.h"
#include "nova/core/time.h"

namespace nova::rollout {
namespace {

NextStep run(Phase phase, std::string reason) {
  NextStep step;
  step.kind = NextStep::Kind::kRunPhase;
  step.phase = phase;
  step.reason = std::move(reason);
  return step;
}

NextStep finish(Phase phase, std::string reason, std::optional<Phase> stoppedIn = {}) {
  NextStep step;
  step.kind = NextStep::Kind::kFinish;
  step.phase = phase;
  step.stoppedIn = stoppedIn;
  step.outcome = outcomeOf(phase).value_or(Outcome::kError);
  step.reason = std::move(reason);
  return step;
}

NextStep needsPerson(Phase stoppedIn, std::string reason) {
  return finish(Phase::kNeedsPerson, std::move(reason), stoppedIn);
}

NextStep wait(TimestampMs until, std::string reason) {
  NextStep step;
  step.kind = NextStep::Kind::kWait;
  step.phase = Phase::kMonitor;
  step.waitUntil = until;
  step.reason = std::move(reason);
  return step;
}

std::string where(const LiveState& live) {
  return "traffic is on " + std::string(trafficSideName(live.traffic)) +
         (live.trafficDetail.empty() ? "" : " (" + live.trafficDetail + ")");
}

// Traffic went back to blue after the switch: rolled back when blue can serve, else an
// outage only a person can judge.
NextStep backOnBlue(Phase phase, const LiveState& live) {
  if (live.blueReady && *live.blueReady > 0) {
    return finish(Phase::kRolledBack,
                  where(live) + " with " + std::to_string(*live.blueReady) + " ready blue pods");
  }
  return needsPerson(phase, where(live) + " but blue has " +
                                (live.blueReady ? "no ready pods" : "an unknown number of pods") +
                                ": scale blue up now");
}

std::string agentText(const AgentVerdict& agent) {
  std::string text;
  switch (agent.state) {
    case AgentVerdict::State::kUnreachable:
      text = "the agent cannot be reached";
      break;
    case AgentVerdict::State::kNotArmed:
      text = "the agent is not armed for this rollout";
      break;
    case AgentVerdict::State::kNoData:
      text = "the agent's rules have no data";
      break;
    case AgentVerdict::State::kWatching:
      text = "the agent sees no incident";
      break;
    case AgentVerdict::State::kBreaching:
      text = "the agent sees a rule past its threshold, its incident not open yet";
      break;
    case AgentVerdict::State::kIncident:
      text = "the agent has a " + std::string(toString(agent.severity)) + " incident open";
      break;
    case AgentVerdict::State::kRolledBack:
      text = "the agent rolled back";
      break;
    case AgentVerdict::State::kHold:
      text = "a person holds the agent";
      break;
  }
  return agent.detail.empty() ? text : text + " (" + agent.detail + ")";
}

NextStep judgeMonitor(const Record& r, const LiveState& live, TimestampMs now,
                      const PhaseBounds& bounds) {
  const MonitorWindow window = monitorWindow(*r.switchedAt, bounds);
  const AgentVerdict& agent = live.agent;
  if (agent.state == AgentVerdict::State::kHold) {
    return finish(Phase::kParked, agentText(agent) + "; blue stays warm", Phase::kMonitor);
  }
  if (now < window.ends) {
    return wait(window.ends, "monitoring until " + formatRfc3339(window.ends, SubSecond::kNone) +
                                 " (" + formatDuration((window.ends - now) / kSecond * kSecond) +
                                 " left); " + agentText(agent));
  }
  const bool clean =
      agent.state == AgentVerdict::State::kWatching ||
      (agent.state == AgentVerdict::State::kIncident && agent.severity <= Severity::kLow);
  if (clean) {
    return run(Phase::kCleanupBlue, "the monitoring window ended at " +
                                        formatRfc3339(window.ends, SubSecond::kNone) + "; " +
                                        agentText(agent));
  }
  std::string why = agentText(agent);
  if (agent.state == AgentVerdict::State::kRolledBack) {
    why += " but traffic is still on green";
  } else if (agent.state == AgentVerdict::State::kBreaching) {
    why += ": blue is never scaled down while a rule breaches";
  } else if (agent.state != AgentVerdict::State::kIncident) {
    why += ": blue is never scaled down without the agent's verdict";
  }
  if (now < window.waitEnds) {
    return wait(window.waitEnds, "the monitoring window is over but " + why + "; waiting until " +
                                     formatRfc3339(window.waitEnds, SubSecond::kNone));
  }
  return needsPerson(Phase::kMonitor, why + " after waiting until " +
                                          formatRfc3339(window.waitEnds, SubSecond::kNone) +
                                          "; blue stays warm");
}

NextStep stop(Outcome outcome, std::string reason) {
  NextStep step;
  step.kind = NextStep::Kind::kStop;
  step.outcome = outcome;
  step.reason = std::move(reason);
  return step;
}

// A rollout that ended is never restarted and its record is left as it is: report the
// same end again while the traffic agrees, else ask a person.
NextStep finished(const Record& r, const LiveState& live) {
  const std::string ended =
      "rollout " + r.rolloutId + " already ended " + std::string(phaseName(r.phase)) + "; ";
  const bool wantsGreen = r.phase == Phase::kDone;
  if (live.traffic == (wantsGreen ? TrafficSide::kGreen : TrafficSide::kBlue)) {
    return stop(*outcomeOf(r.phase), ended + where(live));
  }
  if (wantsGreen && live.traffic == TrafficSide::kBlue && live.blueReady && *live.blueReady > 0) {
    return stop(Outcome::kRolledBack, ended + "since then " + where(live) + " with " +
                                          std::to_string(*live.blueReady) + " ready blue pods");
  }
  return stop(Outcome::kNeedsPerson, ended + "but " + where(live));
}

}  // namespace

std::string_view trafficSideName(TrafficSide side) {
  switch (side) {
    case TrafficSide::kBlue:
      return "blue";
    case TrafficSide::kGreen:
      return "green";
    case TrafficSide::kSplit:
      return "both sides (split)";
    case TrafficSide::kUnknown:
      break;
  }
  return "an unknown side";
}

NextStep nextStep(const std::optional<Record>& record, std::string_view rolloutId,
                  std::string_view version, const LiveState& live, TimestampMs now,
                  const PhaseBounds& bounds) {
  if (!record || record->rolloutId != rolloutId) {
    return run(Phase::kPreflight, "rollout " + std::string(rolloutId) + " of " +
                                      std::string(version) + " starts with pre-flight");
  }
  const Record& r = *record;
  if (r.version != version) {
    return stop(Outcome::kUsage, "rollout " + r.rolloutId + " is for " + r.version + ", not " +
                                     std::string(version) +
                                     ": a new version needs a new rollout id");
  }
  if (isFinished(r.phase)) {
    return finished(r, live);
  }
  const Phase p = r.effectivePhase();
  if (r.phase == Phase::kParked && live.traffic == TrafficSide::kSplit) {
    return finish(Phase::kParked, "still parked; " + where(live), p);
  }
  if (live.traffic != TrafficSide::kBlue && live.traffic != TrafficSide::kGreen) {
    return needsPerson(p, where(live) + ": cannot tell where users are");
  }
  const bool onBlue = live.traffic == TrafficSide::kBlue;
  if (isBeforeSwitch(p) || (p == Phase::kSwitch && !r.switchedAt)) {
    if (onBlue) {
      return run(p, "resuming " + std::string(phaseName(p)) + "; " + where(live));
    }
    return needsPerson(p, where(live) + " although rollout " + r.rolloutId +
                              " never switched: changed outside this rollout");
  }
  if (onBlue) {
    return backOnBlue(p, live);
  }
  switch (p) {
    case Phase::kSwitch:
      return run(Phase::kSwitch, "the switch was applied at " +
                                     formatRfc3339(*r.switchedAt, SubSecond::kNone) +
                                     "; verifying it");
    case Phase::kMonitor:
      return judgeMonitor(r, live, now, bounds);
    default:  // kCleanupBlue
      return run(Phase::kCleanupBlue, "resuming the clean-up of blue; " + where(live));
  }
}

}  // namespace nova::rollout
