#include "nova/policy/escalator.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "escalator_impl.h"

namespace nova::policy {
namespace {

// "automatic rollback up to high until <t> (critical still rolls back)".
std::string holdScope(Severity covers, TimestampMs until) {
  const std::string expiry = " until " + detail::formatTime(until);
  if (covers == Severity::kCritical) {
    return "every automatic rollback, critical included," + expiry;
  }
  std::vector<std::string> above;
  for (Severity s : {Severity::kLow, Severity::kMedium, Severity::kHigh, Severity::kCritical}) {
    if (s > covers) {
      above.emplace_back(toString(s));
    }
  }
  std::string list;
  for (std::size_t i = 0; i < above.size(); ++i) {
    list += (i == 0 ? "" : i + 1 == above.size() ? " and " : ", ") + above[i];
  }
  return "automatic rollback up to " + std::string(toString(covers)) + expiry + " (" + list +
         (above.size() == 1 ? " still rolls back)" : " still roll back)");
}

}  // namespace

Escalator::Impl::Impl(PolicyConfig cfg, std::vector<RuleSpec> specs, TimestampMs switched)
    : config(std::move(cfg)), switchedAt(switched) {
  rules.reserve(specs.size());
  for (RuleSpec& spec : specs) {
    ruleIndex.emplace(spec.name, rules.size());
    detail::RuleTrack track;
    track.spec = std::move(spec);
    track.value = std::numeric_limits<double>::quiet_NaN();
    rules.push_back(std::move(track));
  }
}

detail::Tick Escalator::Impl::begin(TimestampMs now) {
  if (lastNow && now < *lastNow) {
    now = *lastNow;
  }
  lastNow = now;
  detail::Tick tick;
  tick.now = now;
  return tick;
}

Decision Escalator::Impl::finish(detail::Tick& tick) const {
  if (tick.resolved) {
    tick.decision.incident = std::move(tick.resolved);
  } else if (incident) {
    tick.decision.incident = view(tick.now);
  }
  return std::move(tick.decision);
}

void Escalator::Impl::emit(detail::Tick& tick, EventKind kind, std::string rule,
                           std::string detail) {
  tick.decision.events.push_back({tick.now, kind, std::move(rule), std::move(detail)});
}

void Escalator::Impl::raise(detail::Tick& tick, Action action, const std::string& reason) {
  if (action > tick.decision.action) {
    tick.decision.action = action;
    tick.decision.reason = reason;
  }
}

void Escalator::Impl::expireHold(detail::Tick& tick) {
  if (hold && tick.now >= hold->hold.until) {
    emit(tick, EventKind::kRelease, "",
         "hold by " + hold->hold.who + " expired at " + detail::formatTime(hold->hold.until));
    hold.reset();
  }
}

void Escalator::Impl::noteWindow(detail::Tick& tick) {
  if (!windowNoted && !rollbackDecided && tick.now >= windowEnd()) {
    windowNoted = true;
    emit(tick, EventKind::kWindowExpired, "",
         "rollback window of " + formatDuration(config.rollbackWindow) +
             " after the traffic switch ended at " + detail::formatTime(windowEnd()) +
             "; the agent now only notifies and pages");
  }
}

Incident Escalator::Impl::view(TimestampMs now) const {
  const detail::OpenIncident& open = *incident;
  Incident out;
  out.id = open.id;
  out.severity = open.peak;
  out.current = currentSeverity();
  out.startedAt = open.startedAt;
  out.rollbackAt = open.rollbackAt;
  if (open.rolledBack) {
    out.state = IncidentState::kRolledBack;
  } else if (open.rollbackAt) {
    out.state = IncidentState::kRollingBack;
  } else if (out.current == Severity::kNone) {
    out.state = open.clearSince && now - *open.clearSince >= config.recovery
                    ? IncidentState::kResolved
                    : IncidentState::kRecovering;
  } else {
    const bool investigating =
        std::any_of(open.levels.begin(), open.levels.end(), [&](const detail::Level& level) {
          const SeverityPolicy& policy = config.forSeverity(level.severity);
          return policy.afterInvestigation != Action::kNone &&
                 now < level.engagedAt + policy.investigate;
        });
    out.state = investigating ? IncidentState::kInvestigating : IncidentState::kOpen;
  }
  if (out.state == IncidentState::kResolved) {
    out.resolvedAt = now;
  }
  for (const std::string& member : open.members) {
    const detail::RuleTrack& track = rules[ruleIndex.at(member)];
    out.rules.push_back({member, track.severity, track.phase == detail::Phase::kFiring, track.value,
                         track.summary, track.failedSource});
  }
  return out;
}

Escalator::Escalator(PolicyConfig config, std::vector<RuleSpec> rules,
                     TimestampMs trafficSwitchedAt)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(rules), trafficSwitchedAt)) {}
Escalator::Escalator(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Escalator::~Escalator() = default;
Escalator::Escalator(Escalator&&) noexcept = default;
Escalator& Escalator::operator=(Escalator&&) noexcept = default;

Decision Escalator::step(std::span<const RuleObservation> observations, TimestampMs now) {
  detail::Tick tick = impl_->begin(now);
  impl_->expireHold(tick);
  impl_->noteWindow(tick);
  impl_->updateRules(observations, tick);
  if (!impl_->rollbackDecided) {
    impl_->updateIncident(tick);
  }
  return impl_->finish(tick);
}

Result<Decision> Escalator::hold(TimestampMs now, TimestampMs until, std::string who,
                                 std::string reason, Severity covers) {
  if (impl_->rollbackDecided) {
    return Error(ErrorCode::kConflict,
                 "hold: a rollback was already decided; there is nothing to hold");
  }
  if (covers == Severity::kNone) {
    return Error{ErrorCode::kInvalidInput,
                 "hold: covers must be a severity (low, medium, high, critical)"};
  }
  detail::Tick tick = impl_->begin(now);
  if (until <= tick.now) {
    return Error(ErrorCode::kInvalidInput,
                 "hold: the expiry " + detail::formatTime(until) + " is not in the future");
  }
  // Automatic rollback ends with the rollback window anyway, so a hold never needs to
  // outlast it; an unbounded one ("for": "292y") would switch the agent off for good.
  const TimestampMs windowEnd = impl_->windowEnd();
  if (tick.now >= windowEnd) {
    return Error(ErrorCode::kConflict, "hold: the rollback window ended at " +
                                           detail::formatTime(windowEnd) +
                                           "; no automatic rollback is left to hold");
  }
  std::string bounded;
  if (until > windowEnd) {
    bounded = " (bounded by the end of the rollback window)";
    until = windowEnd;
  }
  Impl::emit(tick, EventKind::kHold, "",
             who + " holds " + holdScope(covers, until) + bounded + ": " + reason);
  impl_->hold =
      detail::HoldState{{std::move(who), std::move(reason), tick.now, until, covers}, false, false};
  return impl_->finish(tick);
}

Result<Decision> Escalator::release(TimestampMs now, std::string who) {
  if (!impl_->hold) {
    return Error(ErrorCode::kConflict, "release: no hold is active");
  }
  detail::Tick tick = impl_->begin(now);
  Impl::emit(tick, EventKind::kRelease, "", who + " released the hold by " + impl_->hold->hold.who);
  impl_->hold.reset();
  return impl_->finish(tick);
}

Result<Decision> Escalator::forceRollback(TimestampMs now, std::string who, std::string reason) {
  if (impl_->rollbackDecided) {
    return Error(ErrorCode::kConflict,
                 "rollback: already decided at " +
                     detail::formatTime(impl_->incident->rollbackAt.value_or(0)) +
                     "; a rollback happens at most once");
  }
  detail::Tick tick = impl_->begin(now);
  if (!impl_->incident) {
    impl_->openIncident(tick, impl_->currentSeverity());
  }
  impl_->incident->peak = std::max(impl_->incident->peak, impl_->currentSeverity());
  // The person's order overrides a hold, the window and the severity.
  impl_->hold.reset();
  impl_->decideRollback(tick, EventKind::kForcedRollback, "forced by " + who + ": " + reason);
  return impl_->finish(tick);
}

Result<Decision> Escalator::rollbackCompleted(TimestampMs now, std::string detail) {
  if (!impl_->rollbackDecided || impl_->incident->rolledBack) {
    return Error(ErrorCode::kConflict, "rollback completed: no rollback is in progress");
  }
  detail::Tick tick = impl_->begin(now);
  impl_->incident->rolledBack = true;
  Impl::emit(tick, EventKind::kRollbackCompleted, "", std::move(detail));
  return impl_->finish(tick);
}

std::optional<Incident> Escalator::incident() const {
  if (!impl_->incident) {
    return std::nullopt;
  }
  return impl_->view(impl_->lastNow.value_or(impl_->incident->startedAt));
}

std::optional<Hold> Escalator::activeHold() const {
  if (!impl_->hold) {
    return std::nullopt;
  }
  return impl_->hold->hold;
}

bool Escalator::rollbackDecided() const {
  return impl_->rollbackDecided;
}
TimestampMs Escalator::trafficSwitchedAt() const {
  return impl_->switchedAt;
}
TimestampMs Escalator::rollbackWindowEndsAt() const {
  return impl_->windowEnd();
}
const PolicyConfig& Escalator::config() const {
  return impl_->config;
}

Status validate(const PolicyConfig& config, std::span<const RuleSpec> rules) {
  if (Status status = validate(config); !status) {
    return status;
  }
  std::set<std::string_view> seen;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const RuleSpec& rule = rules[i];
    const std::string where = "rules[" + std::to_string(i) + "] \"" + rule.name + "\": ";
    if (rule.name.empty()) {
      return Error(ErrorCode::kInvalidInput, "rules[" + std::to_string(i) + "]: the name is empty");
    }
    if (!seen.insert(rule.name).second) {
      return Error(ErrorCode::kInvalidInput, where + "duplicate name");
    }
    if (rule.severity == Severity::kNone) {
      return Error(ErrorCode::kInvalidInput,
                   where + "needs a severity (low, medium, high, critical)");
    }
    if (rule.forDuration < 0) {
      return Error(ErrorCode::kInvalidInput, where + "for must not be negative");
    }
  }
  return {};
}

std::string toString(const Decision& decision) {
  std::string out = "action " + std::string(toString(decision.action));
  if (!decision.reason.empty()) {
    out += " (" + decision.reason + ")";
  }
  out += '\n';
  if (const auto& incident = decision.incident) {
    out += "incident " + incident->id + " " + std::string(toString(incident->state)) + " " +
           std::string(toString(incident->severity)) + "/" +
           std::string(toString(incident->current)) + " since " +
           detail::formatTime(incident->startedAt);
    for (const IncidentRule& rule : incident->rules) {
      out += (rule.firing ? " +" : " -") + rule.name + "=" + detail::formatValue(rule.value);
    }
    out += '\n';
  }
  for (const TimelineEvent& event : decision.events) {
    out += "  " + toString(event) + '\n';
  }
  return out;
}

}  // namespace nova::policy
