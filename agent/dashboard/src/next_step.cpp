// The escalation tree's next step for an open incident, derived from the policy and the
// incident's own events (the escalator keeps its investigation windows to itself).

#include <array>
#include <map>

#include "nova/core/rfc3339.h"
#include "nova/dashboard/views.h"

namespace nova::dashboard {
namespace {

using policy::Action;
using policy::EventKind;

constexpr std::array<Severity, 4> kLevels{Severity::kLow, Severity::kMedium, Severity::kHigh,
                                          Severity::kCritical};

std::optional<Severity> severityAfter(std::string_view text, std::string_view marker) {
  const auto at = text.find(marker);
  if (at == std::string_view::npos) {
    return std::nullopt;
  }
  std::string_view rest = text.substr(at + marker.size());
  rest = rest.substr(0, rest.find_first_of(": "));
  return parseSeverity(rest);
}

// When the incident reached each severity, replaying its opened / severity_changed events.
std::map<Severity, TimestampMs> engagedAt(const policy::Incident& incident,
                                          std::span<const policy::TimelineEvent> timeline) {
  std::map<Severity, TimestampMs> out;
  Severity peak = Severity::kNone;
  auto reach = [&](Severity to, TimestampMs at) {
    for (Severity level : kLevels) {
      if (level > peak && level <= to) {
        out.emplace(level, at);
      }
    }
    peak = std::max(peak, to);
  };
  for (const policy::TimelineEvent& e : timeline) {
    if (e.at < incident.startedAt) {
      continue;
    }
    if (e.kind == EventKind::kIncidentOpened && e.detail.starts_with(incident.id + " at ")) {
      peak = Severity::kNone;
      out.clear();
      if (auto s = severityAfter(e.detail, " at ")) {
        reach(*s, e.at);
      }
    } else if (e.kind == EventKind::kSeverityChanged) {
      if (auto s = severityAfter(e.detail, "-> ")) {
        reach(*s, e.at);
      }
    }
  }
  // Events missing (a bounded timeline): every severity reached counts from the start.
  reach(incident.severity, incident.startedAt);
  return out;
}

std::optional<NextStep> recovering(const policy::PolicyConfig& config,
                                   std::span<const policy::TimelineEvent> timeline) {
  NextStep step;
  step.condition = "resolves after " + formatDuration(config.recovery) + " clear";
  for (auto it = timeline.rbegin(); it != timeline.rend(); ++it) {
    if (it->kind == EventKind::kRuleCleared) {
      step.dueAt = it->at + config.recovery;
      break;
    }
  }
  return step;
}

}  // namespace

std::optional<NextStep> nextStep(const policy::PolicyConfig& config,
                                 const policy::Incident& incident,
                                 std::span<const policy::TimelineEvent> timeline,
                                 const std::optional<policy::Hold>& hold,
                                 TimestampMs rollbackWindowEndsAt, TimestampMs now) {
  switch (incident.state) {
    case policy::IncidentState::kRollingBack:
      return NextStep{Action::kRollback, now, "traffic is being moved to blue"};
    case policy::IncidentState::kRolledBack:
    case policy::IncidentState::kResolved:
      return std::nullopt;
    case policy::IncidentState::kRecovering:
      return recovering(config, timeline);
    case policy::IncidentState::kOpen:
    case policy::IncidentState::kInvestigating:
      break;
  }
  std::optional<NextStep> best;
  for (const auto& [level, at] : engagedAt(incident, timeline)) {
    const policy::SeverityPolicy& p = config.forSeverity(level);
    if (p.afterInvestigation == Action::kNone || incident.current < level) {
      continue;
    }
    const TimestampMs due = at + p.investigate;
    // A page or notify once due has been taken; only a rollback stays due.
    if (due <= now && p.afterInvestigation != Action::kRollback) {
      continue;
    }
    NextStep step{p.afterInvestigation, std::max(due, now), "unless it recovers"};
    if (step.action == Action::kRollback && due >= rollbackWindowEndsAt) {
      step.action = Action::kPage;
      step.condition = "the rollback window ends first: a person decides";
    } else if (step.action == Action::kRollback && hold && hold->until > due) {
      step.condition = "held by " + hold->who + " until " +
                       formatRfc3339(hold->until, SubSecond::kNone) + ": no automatic rollback";
    }
    if (!best || step.action > best->action ||
        (step.action == best->action && *step.dueAt < *best->dueAt)) {
      best = std::move(step);
    }
  }
  return best;
}

}  // namespace nova::dashboard
