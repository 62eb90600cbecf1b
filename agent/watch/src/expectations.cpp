#include <algorithm>
#include <sstream>

#include "nova/watch/replay.h"

namespace nova::watch {
namespace {

std::string at(TimestampMs t) {
  return formatDuration(t);
}

// What happened at `tick`, for a failed expectation: the decision always, what was sent and
// the rollback attempts when the expectation was about them.
std::string describe(const TickRecord& tick, const Expectation& e) {
  std::ostringstream out;
  const policy::Decision& d = tick.decision;
  if (d.incident) {
    out << "incident " << d.incident->id << " " << toString(d.incident->severity) << " "
        << policy::toString(d.incident->state);
  } else {
    out << "no incident";
  }
  out << "; action " << policy::toString(d.action) << "; events:";
  if (d.events.empty()) {
    out << " none";
  }
  for (const auto& event : d.events) {
    out << " " << policy::toString(event.kind)
        << (event.rule.empty() ? "" : "(" + event.rule + ")");
  }
  if (!e.notifications.empty()) {
    out << "; sent:" << (tick.notifications.empty() ? " none" : "");
    for (std::size_t i = 0; i < tick.notifications.size(); ++i) {
      const auto& sent = tick.notifications[i];
      const std::string line = entryText(ExpectedNotification{
          tick.at, sent.notification.kind, sent.notification.incidentId, sent.receivers});
      out << (i == 0 ? " " : "; ") << line.substr(line.find(' ') + 1);  // without the time
    }
  }
  if (e.rollback) {
    out << "; rollback attempts:" << (tick.rollbacks.empty() ? " none" : "");
    for (const auto& attempt : tick.rollbacks) {
      out << " " << attempt.attempt << " " << attempt.outcome;
    }
  }
  return out.str();
}

bool matches(const NotificationMatch& want, const SentNotification& sent) {
  const auto& receivers = sent.receivers;
  return (!want.kind || *want.kind == sent.notification.kind) &&
         (!want.key || *want.key == sent.notification.incidentId) &&
         (!want.receiver ||
          std::find(receivers.begin(), receivers.end(), *want.receiver) != receivers.end());
}

// "rollback_started 0-1 to pagerduty", naming only what is checked.
std::string describe(const NotificationMatch& want) {
  std::string text = want.kind ? std::string(notify::toString(*want.kind)) : "a notification";
  if (want.key) {
    text += " " + (want.key->empty() ? std::string("without incident") : *want.key);
  }
  return want.receiver ? text + " to " + *want.receiver : text;
}

// The notification and rollback checks of one expectation, appended to `diff`.
void compareActions(const Expectation& e, const TickRecord& tick, std::ostringstream& diff) {
  for (const NotificationMatch& want : e.notifications) {
    const bool sent = std::any_of(tick.notifications.begin(), tick.notifications.end(),
                                  [&](const SentNotification& n) { return matches(want, n); });
    if (!sent) {
      diff << "  notification: expected " << describe(want) << ", not sent at this tick\n";
    }
  }
  if (e.rollback) {
    const std::string got = tick.rollbacks.empty() ? "none" : tick.rollbacks.back().outcome;
    if (got != *e.rollback) {
      diff << "  rollback: expected " << *e.rollback << ", got " << got << "\n";
    }
  }
}

// Exactly `expected`, in order, or one failure listing both sides.
template <typename Entry>
void checkExact(std::string_view field, std::string_view what, std::string_view done,
                const std::optional<std::vector<Entry>>& expected, const std::vector<Entry>& taken,
                ScenarioReport& report) {
  if (!expected) {
    return;
  }
  ++report.checked;
  if (*expected == taken) {
    return;
  }
  std::string diff = std::string(field) + ": the " + std::string(what) + " differ\n";
  for (const auto& entry : *expected) {
    diff += "  - " + entryText(entry) + "\n";
  }
  for (const auto& entry : taken) {
    diff += "  + " + entryText(entry) + "\n";
  }
  report.failures.push_back(diff + "  (- expected, + " + std::string(done) + ")");
}

// Compares one expectation with its tick; returns the mismatches, one per line.
std::string compare(const Expectation& e, const TickRecord& tick) {
  std::ostringstream diff;
  const policy::Decision& d = tick.decision;
  const Severity severity = d.incident ? d.incident->severity : Severity::kNone;
  if (e.severity && *e.severity != severity) {
    diff << "  severity: expected " << toString(*e.severity) << ", got " << toString(severity)
         << "\n";
  }
  if (e.action && *e.action != d.action) {
    diff << "  action:   expected " << policy::toString(*e.action) << ", got "
         << policy::toString(d.action) << "\n";
  }
  if (e.state) {
    const std::string got = d.incident ? std::string(policy::toString(d.incident->state)) : "none";
    if (got != policy::toString(*e.state)) {
      diff << "  state:    expected " << policy::toString(*e.state) << ", got " << got << "\n";
    }
  }
  for (policy::EventKind kind : e.events) {
    const bool found = std::any_of(d.events.begin(), d.events.end(),
                                   [&](const auto& event) { return event.kind == kind; });
    if (!found) {
      diff << "  event:    expected " << policy::toString(kind) << ", not at this tick\n";
    }
  }
  if (e.incident) {
    const std::string got = d.incident ? d.incident->id : "none";
    if (got != *e.incident) {
      diff << "  incident: expected " << *e.incident << ", got " << got << "\n";
    }
  }
  for (const std::string& rule : e.firing) {
    const bool firing =
        d.incident && std::any_of(d.incident->rules.begin(), d.incident->rules.end(),
                                  [&](const auto& r) { return r.name == rule && r.firing; });
    if (!firing) {
      diff << "  firing:   expected " << rule << " to be firing, it is not\n";
    }
  }
  compareActions(e, tick, diff);
  return diff.str();
}

}  // namespace

void checkExpectations(const Scenario& scenario, ScenarioReport& report) {
  for (const Expectation& e : scenario.expectations) {
    ++report.checked;
    const auto tick = std::find_if(report.ticks.begin(), report.ticks.end(),
                                   [&](const TickRecord& t) { return t.at == e.at; });
    const std::string where = "line " + std::to_string(e.line) + ", at " + at(e.at) + ":\n";
    if (tick == report.ticks.end()) {
      report.failures.push_back(where + "  no evaluation at this time (ticks every " +
                                at(scenario.interval) + " from the traffic switch at " +
                                at(scenario.trafficSwitch) + " to " + at(scenario.end) + ")");
      continue;
    }
    const std::string diff = compare(e, *tick);
    if (!diff.empty()) {
      report.failures.push_back(where + diff + "  at this tick: " + describe(*tick, e));
    }
  }
  checkExact("expect_actions", "actions taken", "taken", scenario.expectedActions, report.actions,
             report);
  checkExact("expect_notifications", "notifications sent", "sent", scenario.expectedNotifications,
             report.notifications, report);
  checkExact("expect_rollbacks", "rollback attempts", "made", scenario.expectedRollbacks,
             report.rollbacks, report);
}

}  // namespace nova::watch
