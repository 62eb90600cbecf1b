#pragma once

#include <optional>
#include <string>
#include <vector>

#include "nova/core/severity.h"
#include "nova/core/time.h"
#include "nova/rollout/exit_code.h"
#include "nova/rollout/record.h"

namespace nova::rollout {

/// One event of the timeline (from the agent's journal: a breach, a decision, a flip).
struct ReportEvent {
  TimestampMs at = 0;
  std::string text;
};

/// A rule that fired, with what it saw.
struct FiredRule {
  std::string name;
  Severity severity = Severity::kNone;
  double value = 0;
  /// How the value is compared with the threshold (">", ">=", "<", ...).
  std::string comparison = ">";
  /// Unknown when the source does not say (the agent's /status gives the rule's summary,
  /// which words its threshold): the report then names none rather than a made-up 0.
  std::optional<double> threshold;
  /// The rule's own summary, if it has one ("error rate above 5%").
  std::string summary;
  /// When it fired; 0 when unknown (then the timeline's own events place it).
  TimestampMs at = 0;
};

/// One of the incident's charts, drawn beside the report.
struct ReportChart {
  std::string title;
  /// File names relative to the report ("r-42-report-latency.svg"); png "" when none.
  std::string svgFile;
  std::string pngFile;
};

/// Everything the report is made from: plain values, gathered by the caller from the
/// record, the agent's journal and the rollback annotations.
struct ReportInput {
  Record record;
  Outcome outcome = Outcome::kSucceeded;
  /// When the rollout (or the rollback) ended.
  TimestampMs endedAt = 0;
  std::vector<ReportEvent> timeline;
  std::vector<FiredRule> rules;
  /// For a rollback: "switch", "full", "staged" or "db", who decided it ("nova-agent" or a
  /// person) and when traffic was back on blue.
  std::string rollbackOption;
  std::string rollbackBy;
  std::optional<TimestampMs> rolledBackAt;
  /// Added by people, after the generated ones.
  std::vector<std::string> recommendations;
  /// The agent's incident id, when its /status showed one.
  std::string incidentId;
  /// The incident's charts (runbook order), or why there are none ("" for no section).
  std::vector<ReportChart> charts;
  std::string chartsMissing;
  /// Why the charts have no PNG copies ("" when they have, or when none were asked for).
  std::string pngMissing;
};

/// The runbook's incident report (Post-Rollback Analysis) as Markdown: Date, Version,
/// Duration, Root Cause, Timeline (merged from the record's steps and `timeline`, in the
/// runbook's "HH:MM UTC - ..." form), Resolution, Recommendations, plus the outcome with
/// its exit code, the snapshot and any window override, and Charts: an image reference per
/// chart (`![title](file.svg)`) with the PNG files named, or why they are missing. A rollback is
/// titled "Deployment Rollback Incident Report", anything else "Deployment Report". Pure and
/// deterministic.
std::string renderReport(const ReportInput& input);

/// "45 seconds", "7 minutes", "7 minutes 12 seconds", "1 hour 5 minutes".
std::string humanDuration(DurationMs duration);

}  // namespace nova::rollout
