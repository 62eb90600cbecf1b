#include <algorithm>
#include <sstream>

#include "nova/watch/replay.h"

namespace nova::watch {
namespace {

std::string at(TimestampMs t) {
  return formatDuration(t);
}

std::string describe(const TickRecord& tick) {
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
  return out.str();
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
      report.failures.push_back(where + diff + "  at this tick: " + describe(*tick));
    }
  }
  if (scenario.expectedActions) {
    ++report.checked;
    if (*scenario.expectedActions != report.actions) {
      std::string diff = "expect_actions: the actions taken differ\n";
      for (const auto& a : *scenario.expectedActions) {
        diff += "  - " + at(a.at) + " " + std::string(policy::toString(a.action)) + "\n";
      }
      for (const auto& a : report.actions) {
        diff += "  + " + at(a.at) + " " + std::string(policy::toString(a.action)) + "\n";
      }
      report.failures.push_back(diff + "  (- expected, + taken)");
    }
  }
}

}  // namespace nova::watch
