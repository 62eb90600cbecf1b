#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "nova/dashboard/chart_data.h"
#include "nova/dashboard/views.h"

namespace nova::dashboard {

/// Everything the page shows besides the charts, as plain values the agent already has.
struct DocumentInputs {
  /// When the document is built (ms); countdowns are relative to it.
  TimestampMs now = 0;
  RolloutView rollout;
  TrafficView traffic;
  std::vector<RuleView> rules;
  std::optional<policy::Incident> incident;
  std::optional<NextStep> nextStep;
  std::optional<policy::Hold> hold;
  /// Oldest first; the document keeps the newest DocumentLimits::maxTimeline.
  std::vector<policy::TimelineEvent> timeline;
  /// Oldest first; the document keeps the newest DocumentLimits::maxCommands.
  std::vector<CommandRecord> commands;
  /// Vertical lines on every chart (markersFrom()).
  std::vector<Marker> markers;
  /// Whether hold / release / rollback are accepted (an API token is configured).
  bool commandsEnabled = false;
};

struct DocumentLimits {
  std::size_t maxTimeline = 50;
  std::size_t maxCommands = 20;
};

/// The JSON document the dashboard page polls. Times are ms since the epoch, durations ms,
/// values in the unit named beside them (null where there is no value); series values are
/// rounded to 4 significant digits. Schema, version 1:
///
/// {"version":1, "generated_at":ms,
///  "rollout":{"id":s, "version":s, "blue_version":s, "phase":s},
///  "traffic":{"backend":"green"|"blue"|"unknown", "detail":s, "switched_at":ms|null},
///  "rules":[{"name":s, "severity":"critical"|"high"|"medium"|"low",
///            "state":"ok"|"not_enough_traffic"|"pending"|"breaching"|"no_data",
///            "value":number|null, "value_text":s ("212 ms", "7.3 %", "no value"),
///            "unit":""|"seconds"|"ratio"|"count", "threshold":s ("> 0.2"),
///            "threshold_text":s ("> 200 ms"), "for_ms":ms, "since":ms|null,
///            "summary":s, "reason":s}],
///  "incident":null|{"id":s, "severity":s, "current":s|"none", "state":"open"|
///            "investigating"|"recovering"|"rolling_back"|"rolled_back"|"resolved",
///            "started_at":ms, "rollback_at":ms|null, "resolved_at":ms|null,
///            "rules":[{"name":s, "severity":s, "firing":bool, "value":number|null,
///                      "summary":s}],
///            "next_step":null|{"action":"none"|"monitor"|"notify"|"page"|"rollback",
///                      "due_at":ms|null, "due_in_ms":ms|null, "condition":s}},
///  "hold":null|{"who":s, "reason":s, "since":ms, "until":ms},
///  "commands_enabled":bool,
///  "commands":[{"at":ms, "who":s, "command":"hold"|"release"|"rollback",
///               "accepted":bool, "detail":s}],                       (newest last)
///  "timeline":[{"at":ms, "kind":s (policy::EventKind names), "rule":s, "detail":s}],
///  "markers":[{"at":ms, "kind":"switch"|"incident"|"page"|"hold"|"rollback"|
///              "rolled_back"|"resolved", "label":s}],
///  "charts":[{"id":s, "title":s, "caption":s, "unit":s,
///             "axis":{"start":ms, "step":ms, "count":n},   (point i at start + i*step)
///             "series":[{"name":s ("all" or the target), "aggregate":bool,
///                        "values":[number|null, ... count]}],
///             "omitted_targets":n,
///             "threshold":null|{"op":s, "value":number, "text":s ("> 200 ms")},
///             "threshold_line":null|{"name":"threshold", "values":[...]},
///             "rule":s, "breaches":[{"from":ms, "to":ms}], "error":s}]}
///
/// Its size is bounded by the charts' point and target caps (CollectOptions) and `limits`:
/// about 45 KB for the four runbook charts with two targets at 300 points. Pure.
std::string buildDocument(std::span<const ChartData> charts, const DocumentInputs& inputs,
                          const DocumentLimits& limits = {});

/// collectCharts() then buildDocument(): the whole document from the store. Built only
/// when someone asks (the page polls it); the store must not be written during the call.
std::string buildDashboardDocument(std::span<const ChartSpec> specs, const promql::Engine& engine,
                                   const tsdb::Storage& storage, const CollectOptions& options,
                                   const DocumentInputs& inputs, const DocumentLimits& limits = {});

}  // namespace nova::dashboard
