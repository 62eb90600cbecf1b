// The per-rule `for` state machine: clear -> pending -> firing -> clear.

#include <limits>

#include "escalator_impl.h"

namespace nova::policy {
namespace {

using detail::Phase;
using detail::RuleTrack;
using State = RuleObservation::State;

// The severity an observation counts at, or nullopt when it counts as clear.
std::optional<Severity> costOf(const RuleSpec& spec, State state, const UnknownCost& unknown) {
  switch (state) {
    case State::kOk:
      return std::nullopt;
    case State::kBreaching:
      return spec.severity;
    case State::kUnknown:
      break;
  }
  switch (unknown.kind) {
    case UnknownCost::Kind::kOk:
      return std::nullopt;
    case UnknownCost::Kind::kOwnSeverity:
      return spec.severity;
    case UnknownCost::Kind::kFixedSeverity:
      return unknown.severity;
  }
  return std::nullopt;
}

std::string describe(const RuleTrack& track, State state) {
  std::string out(toString(state));
  out += " at " + std::string(toString(track.severity)) + ", value " +
         detail::formatValue(track.value);
  if (!track.summary.empty()) {
    out += ": " + track.summary;
  }
  return out;
}

}  // namespace

void Escalator::Impl::updateRules(std::span<const RuleObservation> observations,
                                  detail::Tick& tick) {
  std::vector<const RuleObservation*> latest(rules.size(), nullptr);
  for (const RuleObservation& observation : observations) {
    // Observations for rules this escalator does not know are ignored: the rule set is
    // fixed at construction and the evaluator is built from the same file.
    if (const auto it = ruleIndex.find(observation.rule); it != ruleIndex.end()) {
      latest[it->second] = &observation;
    }
  }
  for (std::size_t i = 0; i < rules.size(); ++i) {
    RuleTrack& track = rules[i];
    const RuleObservation* observation = latest[i];
    const State state = observation != nullptr ? observation->state : State::kUnknown;
    track.value =
        observation != nullptr ? observation->value : std::numeric_limits<double>::quiet_NaN();
    track.summary = observation != nullptr ? observation->summary : "no observation";
    track.failedSource = observation != nullptr && state == State::kUnknown
                             ? observation->failedSource
                             : std::string();
    const std::optional<Severity> cost = costOf(track.spec, state, config.unknown);
    const std::string& name = track.spec.name;
    if (!cost) {
      if (track.phase == Phase::kFiring) {
        emit(tick, EventKind::kRuleCleared, name,
             "clear after firing for " + formatDuration(tick.now - track.since));
      } else if (track.phase == Phase::kPending) {
        emit(tick, EventKind::kRuleCleared, name,
             "clear after " + formatDuration(tick.now - track.since) + " pending; never fired");
      }
      track.phase = Phase::kOk;
      continue;
    }
    track.severity = *cost;
    const bool started = track.phase == Phase::kOk;
    if (started) {
      track.phase = Phase::kPending;
      track.since = tick.now;
    }
    if (track.phase == Phase::kPending && tick.now - track.since >= track.spec.forDuration) {
      track.phase = Phase::kFiring;
      track.since = tick.now;
      emit(tick, EventKind::kRuleFiring, name, describe(track, state));
    } else if (started) {
      emit(tick, EventKind::kRulePending, name,
           describe(track, state) + "; fires after " + formatDuration(track.spec.forDuration));
    }
  }
}

Severity Escalator::Impl::currentSeverity() const {
  Severity current = Severity::kNone;
  for (const RuleTrack& track : rules) {
    if (track.phase == Phase::kFiring && !config.forSeverity(track.severity).ignored() &&
        track.severity > current) {
      current = track.severity;
    }
  }
  return current;
}

std::string Escalator::Impl::firingList(Severity minimum) const {
  std::string out;
  for (const RuleTrack& track : rules) {
    if (track.phase == Phase::kFiring && track.severity >= minimum &&
        !config.forSeverity(track.severity).ignored()) {
      out += out.empty() ? "" : ", ";
      // A source that cannot answer says nothing about green: the text must not read as if
      // green failed.
      out += track.spec.name + "=" +
             (track.failedSource.empty() ? detail::formatValue(track.value)
                                         : "unknown (measurement source \"" + track.failedSource +
                                               "\" failed, not green)");
    }
  }
  return out;
}

}  // namespace nova::policy
