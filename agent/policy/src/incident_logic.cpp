// The escalation tree proper: opening, escalating, investigation windows, recovery, and
// the guards (hold, rollback window, cool-down, at-most-once) around every action.

#include <algorithm>

#include "escalator_impl.h"

namespace nova::policy {
namespace {

constexpr Severity kLevels[] = {Severity::kLow, Severity::kMedium, Severity::kHigh,
                                Severity::kCritical};

std::string name(Severity severity) {
  return std::string(toString(severity));
}

}  // namespace

void Escalator::Impl::openIncident(detail::Tick& tick, Severity current) {
  ++incidents;
  detail::OpenIncident opened;
  opened.id = std::to_string(switchedAt) + "-" + std::to_string(incidents);
  opened.startedAt = tick.now;
  incident = std::move(opened);
  const std::string rulesBehind = firingList(Severity::kLow);
  emit(tick, EventKind::kIncidentOpened, "",
       incident->id + " at " + name(current) + (rulesBehind.empty() ? "" : ": " + rulesBehind));
}

void Escalator::Impl::updateIncident(detail::Tick& tick) {
  const Severity current = currentSeverity();
  if (!incident) {
    if (current == Severity::kNone) {
      return;
    }
    openIncident(tick, current);
  }
  detail::OpenIncident& open = *incident;
  for (const detail::RuleTrack& track : rules) {
    const bool counts =
        track.phase == detail::Phase::kFiring && !config.forSeverity(track.severity).ignored();
    if (counts && std::find(open.members.begin(), open.members.end(), track.spec.name) ==
                      open.members.end()) {
      open.members.push_back(track.spec.name);
    }
  }
  if (current > open.peak) {
    const Severity previous = open.peak;
    open.peak = current;
    // Every severity passed on the way up starts its window now, so a lower severity's
    // follow-up (e.g. HIGH's rollback) still applies if the incident falls back to it.
    for (Severity level : kLevels) {
      if (level <= current && level > previous) {
        open.levels.push_back({level, tick.now, false, false});
      }
    }
    if (previous != Severity::kNone) {
      emit(tick, EventKind::kSeverityChanged, "", name(previous) + " -> " + name(current));
    }
    // Only the top severity's own action: the lower ones' are subsumed by it.
    const Action entry = config.forSeverity(current).action;
    if (entry != Action::kRollback) {
      perform(tick, entry, name(current) + ": " + firingList(current));
    }
  }
  for (detail::Level& level : open.levels) {
    if (rollbackDecided) {
      return;  // The incident is now in the hands of the traffic switch.
    }
    const SeverityPolicy& policy = config.forSeverity(level.severity);
    const bool breaching = current >= level.severity;
    // A rollback entry action stays due for as long as the incident breaches at that
    // severity, so a hold or a failed guard only postpones it.
    if (policy.action == Action::kRollback && breaching) {
      tryRollback(tick, level.severity, name(level.severity) + ": " + firingList(level.severity));
    }
    if (policy.afterInvestigation == Action::kNone ||
        tick.now < level.engagedAt + policy.investigate) {
      continue;
    }
    const std::string window = formatDuration(policy.investigate);
    if (breaching && policy.afterInvestigation == Action::kRollback) {
      tryRollback(tick, level.severity,
                  name(level.severity) + ": still breaching after " + window +
                      " investigation: " + firingList(level.severity));
    } else if (breaching && !level.afterDone) {
      level.afterDone = true;
      perform(tick, policy.afterInvestigation,
              name(level.severity) + ": still breaching after " + window +
                  " investigation: " + firingList(level.severity));
    } else if (!breaching && !level.afterDone && !level.endedNoted) {
      level.endedNoted = true;
      emit(tick, EventKind::kInvestigationEnded, "",
           name(level.severity) + ": no longer breaching after " + window + " investigation; no " +
               std::string(toString(policy.afterInvestigation)));
    }
  }
  if (rollbackDecided) {
    return;
  }
  if (current != Severity::kNone) {
    open.clearSince.reset();
    return;
  }
  if (!open.clearSince) {
    open.clearSince = tick.now;
  }
  if (tick.now - *open.clearSince >= config.recovery) {
    emit(tick, EventKind::kIncidentResolved, "",
         open.id + ": clear for " + formatDuration(tick.now - *open.clearSince));
    tick.resolved = view(tick.now);
    lastResolvedAt = tick.now;
    incident.reset();
  }
}

void Escalator::Impl::perform(detail::Tick& tick, Action action, const std::string& why) {
  switch (action) {
    case Action::kNone:
      return;
    case Action::kMonitor:
      raise(tick, Action::kMonitor, why);
      return;
    case Action::kNotify:
      emit(tick, EventKind::kNotify, "", why);
      raise(tick, Action::kNotify, why);
      return;
    case Action::kPage:
      break;
    case Action::kRollback:
      tryRollback(tick, incident->peak, why);
      return;
  }
  if (incident->paged) {
    return;  // One page per incident; later escalations are in the events.
  }
  if (lastResolvedAt && tick.now < *lastResolvedAt + config.coolDown) {
    const std::string detail = why + " (page held back: cool-down until " +
                               detail::formatTime(*lastResolvedAt + config.coolDown) + ")";
    emit(tick, EventKind::kNotify, "", detail);
    raise(tick, Action::kNotify, detail);
    return;
  }
  pageNow(tick, why);
}

void Escalator::Impl::pageNow(detail::Tick& tick, const std::string& why) {
  incident->paged = true;
  emit(tick, EventKind::kPage, "", why);
  raise(tick, Action::kPage, why);
}

void Escalator::Impl::tryRollback(detail::Tick& tick, Severity severity, const std::string& why) {
  if (rollbackDecided) {
    return;
  }
  const bool critical = severity >= Severity::kCritical;
  if (tick.now >= windowEnd()) {
    const std::string pageWhy = why + " (rollback window over; roll back by hand)";
    if (noteSuppressed(tick, severity, incident->windowNoted, incident->windowCriticalNoted,
                       why + "; rollback window ended at " + detail::formatTime(windowEnd()) +
                           ", paging instead")) {
      // Below CRITICAL the page follows the incident's rules (once, cool-down); a CRITICAL
      // left to a person is paged whatever came before.
      if (critical) {
        pageNow(tick, pageWhy);
      } else {
        perform(tick, Action::kPage, pageWhy);
      }
    }
    return;
  }
  if (hold && severity > hold->hold.covers) {
    const Hold overridden = hold->hold;
    const std::string scope = "which covers up to " + name(overridden.covers);
    hold.reset();
    emit(tick, EventKind::kRelease, "",
         "hold by " + overridden.who + " (" + scope + ") ended: a " + name(severity) +
             " rollback overrides it");
    decideRollback(tick, EventKind::kRollbackDecided,
                   why + " (overrides the hold by " + overridden.who + ", " + scope + ")");
    return;
  }
  if (hold) {
    const std::string by =
        "hold (" + hold->hold.who + " until " + detail::formatTime(hold->hold.until) + ")";
    if (noteSuppressed(tick, severity, hold->suppressedNoted, hold->criticalNoted,
                       "rollback suppressed by " + by + ": " + why) &&
        critical) {
      pageNow(tick,
              why + " (rollback suppressed by " + by + "; roll back by hand or release the hold)");
    }
    return;
  }
  decideRollback(tick, EventKind::kRollbackDecided, why);
}

bool Escalator::Impl::noteSuppressed(detail::Tick& tick, Severity severity, bool& noted,
                                     bool& criticalNoted, const std::string& detail) {
  const bool critical = severity >= Severity::kCritical;
  if (critical ? criticalNoted : noted) {
    return false;
  }
  noted = true;
  criticalNoted = criticalNoted || critical;
  emit(tick, EventKind::kRollbackSuppressed, "", detail);
  return true;
}

void Escalator::Impl::decideRollback(detail::Tick& tick, EventKind kind, const std::string& why) {
  rollbackDecided = true;
  incident->rollbackAt = tick.now;
  incident->clearSince.reset();
  emit(tick, kind, "", why);
  raise(tick, Action::kRollback, why);
}

}  // namespace nova::policy
