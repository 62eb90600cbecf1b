#include "nova/rollout/report.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "nova/core/rfc3339.h"

namespace nova::rollout {
namespace {

std::string plural(long long n, const char* unit) {
  return std::to_string(n) + " " + unit + (n == 1 ? "" : "s");
}

// "HH:MM UTC", with the month and day in front when `t` is not on `day`'s date.
std::string clockTime(TimestampMs t, TimestampMs day) {
  const std::string text = formatRfc3339(t, SubSecond::kNone);
  const std::string hhmm = text.substr(11, 5) + " UTC";
  return text.substr(0, 10) == formatRfc3339(day, SubSecond::kNone).substr(0, 10)
             ? hhmm
             : text.substr(5, 5) + " " + hhmm;
}

// Text from commands and journals may span lines; a Markdown list item may not.
std::string oneLine(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r') {
      c = ' ';
    }
  }
  return text;
}

// A chart's title as an image's alt text: one line, without the brackets that would end
// it (titles come from rule annotations).
std::string altText(std::string text) {
  for (char& c : text) {
    c = c == '[' ? '(' : c == ']' ? ')' : c;
  }
  return oneLine(std::move(text));
}

std::string number(double v) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%g", v);
  return buffer;
}

std::string upper(Severity severity) {
  std::string text(toString(severity));
  for (char& c : text) {
    c = static_cast<char>(c - 'a' + 'A');
  }
  return text;
}

bool rolledBack(const ReportInput& in) {
  return in.outcome == Outcome::kRolledBack;
}

std::vector<FiredRule> byImportance(std::vector<FiredRule> rules) {
  std::stable_sort(rules.begin(), rules.end(), [](const FiredRule& a, const FiredRule& b) {
    return a.severity != b.severity ? a.severity > b.severity : a.at < b.at;
  });
  return rules;
}

std::string ruleText(const FiredRule& rule) {
  std::string text = rule.name + " (" + upper(rule.severity) +
                     "): " + (rule.summary.empty() ? "" : rule.summary + "; ") + "value " +
                     number(rule.value);
  if (rule.threshold) {
    text += " " + rule.comparison + " threshold " + number(*rule.threshold);
  }
  return text;
}

const StepRecord* lastFailed(const Record& record) {
  for (auto it = record.steps.rbegin(); it != record.steps.rend(); ++it) {
    if (it->result == StepResult::kFailed) {
      return &*it;
    }
  }
  return nullptr;
}

std::string blueText(const Record& record) {
  if (!record.blue) {
    return "blue";
  }
  return "blue (" + record.blue->image + ", " + plural(record.blue->replicas, "replica") + ")";
}

std::string rootCause(const ReportInput& in) {
  if (!in.rules.empty()) {
    std::string text;
    for (const FiredRule& rule : byImportance(in.rules)) {
      text += (text.empty() ? "" : "; also ") + ruleText(rule);
    }
    return text;
  }
  if (const StepRecord* failed = lastFailed(in.record)) {
    return "step " + failed->name + " (" + std::string(phaseName(failed->phase)) +
           ") failed: " + failed->detail;
  }
  if (rolledBack(in)) {
    return "rolled back by " + (in.rollbackBy.empty() ? std::string("a person") : in.rollbackBy) +
           " without a rule firing; see the timeline";
  }
  return in.outcome == Outcome::kSucceeded ? "none: the rollout completed" : "see the timeline";
}

std::string optionText(const std::string& option, const Record& record) {
  if (option == "switch" || option.empty()) {
    return "option 1 (switch back to blue)";
  }
  if (option == "full") {
    return "option 3 (full service rollback)";
  }
  if (option == "staged") {
    return "the staged rollback";
  }
  if (option == "db") {
    return "option 2 (database restore from snapshot " + record.snapshotId + ")";
  }
  return "option " + option;
}

std::string resolution(const ReportInput& in, TimestampMs day) {
  const Record& r = in.record;
  switch (in.outcome) {
    case Outcome::kRolledBack:
      return "traffic moved back to " + blueText(r) + " by " +
             (in.rollbackBy.empty() ? std::string("an unknown actor") : in.rollbackBy) +
             (in.rolledBackAt ? " at " + clockTime(*in.rolledBackAt, day) : std::string()) +
             ", with " + optionText(in.rollbackOption, r) + "; blue serves all traffic";
    case Outcome::kSucceeded:
      return "green (" + r.version + ") serves all traffic; " + blueText(r) +
             " scaled down, its manifest saved for a quick rollback";
    case Outcome::kFailedBeforeSwitch:
      return "stopped before the traffic switch; production untouched, traffic stayed on blue";
    case Outcome::kNeedsPerson:
      return "stopped for a person in phase " + std::string(phaseName(r.effectivePhase())) +
             "; blue kept warm, nothing scaled down";
    case Outcome::kParked:
      return "parked on purpose in phase " + std::string(phaseName(r.effectivePhase())) +
             "; blue kept warm";
    case Outcome::kTimedOut:
      return "a time bound ran out in phase " + std::string(phaseName(r.effectivePhase())) +
             "; the agent keeps guarding green";
    default:
      return std::string(outcomeMeaning(in.outcome));
  }
}

std::vector<std::string> recommendations(const ReportInput& in) {
  std::vector<std::string> out;
  const Record& r = in.record;
  for (const FiredRule& rule : byImportance(in.rules)) {
    out.push_back("Find and fix what made " + rule.name + " fire before rolling out " + r.version +
                  " again.");
  }
  if (const StepRecord* failed = lastFailed(r); failed != nullptr && in.rules.empty()) {
    out.push_back("Fix what failed in step " + failed->name +
                  ", then run the rollout again with a new rollout id.");
  }
  if (rolledBack(in) && !r.snapshotId.empty()) {
    out.push_back("Keep database snapshot " + r.snapshotId + " until the fix is verified.");
  }
  if (in.outcome == Outcome::kNeedsPerson) {
    out.push_back(
        "Decide: roll back with novactl rollback, or resolve the cause and resume "
        "with --rollout-id " +
        r.rolloutId + ".");
  }
  if (r.windowOverride) {
    out.push_back("The rollout ran outside the deployment window (\"" + r.windowOverride->reason +
                  "\", by " + r.windowOverride->by + "): review whether it had to.");
  }
  for (const std::string& extra : in.recommendations) {
    out.push_back(extra);
  }
  return out;
}

std::vector<ReportEvent> timeline(const ReportInput& in) {
  const Record& r = in.record;
  std::vector<ReportEvent> events;
  events.push_back({r.startedAt, "Rollout " + r.rolloutId + " of " + r.version + " started" +
                                     (r.blue ? ", replacing " + r.blue->image : std::string())});
  for (const StepRecord& step : r.steps) {
    const std::string phase(phaseName(step.phase));
    std::string text = (step.name == phase ? phase : phase + " " + step.name) + ": " +
                       std::string(stepResultName(step.result));
    if (!step.detail.empty()) {
      text += " (" + step.detail + ")";
    }
    events.push_back({step.at, text});
  }
  if (r.switchedAt) {
    events.push_back({*r.switchedAt, "Traffic switched to green (" + r.version + ")"});
  }
  for (const FiredRule& rule : in.rules) {
    if (rule.at != 0) {  // a rule without its time is placed by the agent's own events
      events.push_back({rule.at, "Rule " + ruleText(rule)});
    }
  }
  for (const ReportEvent& event : in.timeline) {
    events.push_back(event);
  }
  if (in.rolledBackAt) {
    events.push_back({*in.rolledBackAt, "Blue back in production"});
  }
  std::stable_sort(events.begin(), events.end(),
                   [](const ReportEvent& a, const ReportEvent& b) { return a.at < b.at; });
  return events;
}

}  // namespace

std::string humanDuration(DurationMs duration) {
  const long long seconds = std::max<DurationMs>(0, duration) / kSecond;
  if (seconds < 60) {
    return plural(seconds, "second");
  }
  const long long minutes = seconds / 60;
  if (minutes < 60) {
    return plural(minutes, "minute") + (seconds % 60 ? " " + plural(seconds % 60, "second") : "");
  }
  return plural(minutes / 60, "hour") + (minutes % 60 ? " " + plural(minutes % 60, "minute") : "");
}

std::string renderReport(const ReportInput& in) {
  const Record& r = in.record;
  const TimestampMs day = r.startedAt;
  // One paragraph per field and a blank line before each list, so Markdown renders the
  // fields on lines of their own.
  std::ostringstream out;
  out << "# " << (rolledBack(in) ? "Deployment Rollback Incident Report" : "Deployment Report")
      << "\n\n";
  out << "**Date**: " << formatRfc3339(r.startedAt, SubSecond::kNone).substr(0, 10) << " "
      << clockTime(r.startedAt, day) << "\n\n";
  out << "**Version**: " << r.version << " (rollout " << r.rolloutId
      << (r.blue ? ", replacing " + r.blue->image : std::string()) << ")\n\n";
  out << "**Outcome**: " << outcomeName(in.outcome) << " (exit " << exitCode(in.outcome)
      << "): " << outcomeMeaning(in.outcome) << "\n\n";
  if (rolledBack(in) && r.switchedAt) {
    const TimestampMs back = in.rolledBackAt.value_or(in.endedAt);
    out << "**Duration**: " << humanDuration(back - *r.switchedAt) << " (switch at "
        << clockTime(*r.switchedAt, day) << ", back on blue at " << clockTime(back, day) << ")\n\n";
  } else {
    out << "**Duration**: " << humanDuration(in.endedAt - r.startedAt) << " ("
        << clockTime(r.startedAt, day) << " to " << clockTime(in.endedAt, day) << ")\n\n";
  }
  if (!r.snapshotId.empty()) {
    out << "**Snapshot**: " << r.snapshotId << "\n\n";
  }
  if (r.windowOverride) {
    out << "**Window override**: \"" << r.windowOverride->reason << "\" by " << r.windowOverride->by
        << "\n\n";
  }
  out << "**Root Cause**: " << oneLine(rootCause(in)) << "\n\n";
  out << "**Timeline**:\n\n";
  for (const ReportEvent& event : timeline(in)) {
    out << "- " << clockTime(event.at, day) << " - " << oneLine(event.text) << "\n";
  }
  out << "\n**Resolution**: " << resolution(in, day) << "\n\n";
  out << "**Recommendations**:\n\n";
  const std::vector<std::string> recs = recommendations(in);
  if (recs.empty()) {
    out << "- None.\n";
  }
  for (const std::string& rec : recs) {
    out << "- " << oneLine(rec) << "\n";
  }
  if (!in.charts.empty()) {
    out << "\n**Charts** (the agent's data around the incident; times in UTC; dashed: the "
           "threshold; hatched: breaches; vertical lines: decisions):\n\n";
    std::string pngs;
    for (const ReportChart& chart : in.charts) {
      out << "![" << altText(chart.title) << "](" << chart.svgFile << ")\n\n";
      if (!chart.pngFile.empty()) {
        pngs += (pngs.empty() ? "" : ", ") + chart.pngFile;
      }
    }
    if (!pngs.empty()) {
      out << "PNG for chat tools: " << pngs << "\n";
    }
    if (!in.pngMissing.empty()) {
      out << "PNG for chat tools: missing" << (pngs.empty() ? "" : " for the others") << ": "
          << oneLine(in.pngMissing) << "\n";
    }
  } else if (!in.chartsMissing.empty()) {
    out << "\n**Charts**: missing: " << oneLine(in.chartsMissing) << "\n";
  }
  if (r.stepsDropped > 0) {
    out << "\n(" << plural(r.stepsDropped, "earlier step")
        << " not kept in the record; see the rollout's event log.)\n";
  }
  return out.str();
}

}  // namespace nova::rollout
