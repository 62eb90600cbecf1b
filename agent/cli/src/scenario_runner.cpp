#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "nova/cli/scenario.h"
#include "nova/core/sample.h"
#include "nova/tsdb/scrape_appender.h"

namespace nova::cli {
namespace {

std::string at(TimestampMs t) {
  return formatDuration(t);
}

void mergeInto(policy::Decision& into, policy::Decision from) {
  for (auto& event : from.events) {
    into.events.push_back(std::move(event));
  }
  if (from.action > into.action) {
    into.action = from.action;
    into.reason = std::move(from.reason);
  }
  if (from.incident) {
    into.incident = std::move(from.incident);
  }
}

// Writes sample `index` of every series as one scrape at `t`; a series without a value
// there is absent from the scrape, so the appender marks it stale.
void scrape(const Scenario& scenario, std::size_t index, TimestampMs t,
            tsdb::ScrapeAppender& appender) {
  appender.begin(t);
  for (const promql::SeriesLine& line : scenario.series) {
    if (index >= line.values.size() || !line.values[index] || isStaleNaN(*line.values[index])) {
      continue;
    }
    appender.add(
        line.labels.toString(), [&] { return line.labels; }, *line.values[index]);
  }
  appender.commit();
}

Result<policy::Decision> runCommand(const ScenarioCommand& command, TimestampMs now,
                                    policy::Escalator& escalator) {
  switch (command.kind) {
    case ScenarioCommand::Kind::kHold:
      return escalator.hold(now, command.at + command.holdFor, command.who, command.reason);
    case ScenarioCommand::Kind::kRelease:
      return escalator.release(now, command.who);
    case ScenarioCommand::Kind::kRollback:
      return escalator.forceRollback(now, command.who, command.reason);
  }
  return Error{"unknown command"};
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

}  // namespace

ScenarioReport runScenario(const Scenario& scenario, const rules::RuleSet& ruleSet) {
  ScenarioReport report;
  policy::PolicyConfig config = ruleSet.policy;
  if (scenario.policyOverrides) {
    if (Status applied = rules::applyPolicyOverrides(config, *scenario.policyOverrides); !applied) {
      report.failures.push_back("policy: " + applied.error().message);
      return report;
    }
  }
  std::vector<policy::RuleSpec> specs = rules::ruleSpecs(ruleSet);
  if (Status valid = policy::validate(config, specs); !valid) {
    report.failures.push_back("policy: " + valid.error().message);
    return report;
  }
  tsdb::Storage storage;
  tsdb::ScrapeAppender appender(storage);
  const promql::Engine engine;
  policy::Escalator escalator(config, std::move(specs), scenario.trafficSwitch);
  TimestampMs previous = scenario.trafficSwitch - 1;
  for (TimestampMs t = 0; t <= scenario.end; t += scenario.interval) {
    scrape(scenario, static_cast<std::size_t>(t / scenario.interval), t, appender);
    if (t < scenario.trafficSwitch) {
      continue;
    }
    TickRecord tick;
    tick.at = t;
    for (const ScenarioCommand& command : scenario.commands) {
      if (command.at > previous && command.at <= t) {
        auto done = runCommand(command, t, escalator);
        if (!done.ok()) {
          report.failures.push_back("line " + std::to_string(command.line) + ", at " + at(t) +
                                    ": command refused: " + done.error().message);
          continue;
        }
        mergeInto(tick.decision, std::move(*done));
      }
    }
    tick.results = rules::evaluateRules(ruleSet, engine, storage, t);
    mergeInto(tick.decision, escalator.step(rules::observations(tick.results), t));
    if (tick.decision.action == policy::Action::kRollback) {
      // The simulated shell flips traffic at once and reports it done.
      if (auto flipped = escalator.rollbackCompleted(t, "traffic on blue (simulated)")) {
        mergeInto(tick.decision, std::move(*flipped));
      }
    }
    if (tick.decision.action != policy::Action::kNone) {
      report.actions.push_back(ExpectedAction{t, tick.decision.action});
    }
    report.ticks.push_back(std::move(tick));
    previous = t;
  }
  checkExpectations(scenario, report);
  return report;
}

std::string formatTimeline(const ScenarioReport& report) {
  std::ostringstream out;
  char line[512];
  for (const TickRecord& tick : report.ticks) {
    for (const policy::TimelineEvent& event : tick.decision.events) {
      std::snprintf(line, sizeof line, "%8s  %-20s %-26s %s\n", at(event.at).c_str(),
                    std::string(policy::toString(event.kind)).c_str(), event.rule.c_str(),
                    event.detail.c_str());
      out << line;
    }
    if (tick.decision.action != policy::Action::kNone) {
      std::snprintf(line, sizeof line, "%8s  => %s: %s\n", at(tick.at).c_str(),
                    std::string(policy::toString(tick.decision.action)).c_str(),
                    tick.decision.reason.c_str());
      out << line;
    }
  }
  return out.str();
}

}  // namespace nova::cli
