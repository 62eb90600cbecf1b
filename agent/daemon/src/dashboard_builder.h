#pragma once

#include <optional>
#include <string>
#include <vector>

#include "nova/core/result.h"
#include "nova/core/time.h"
#include "nova/daemon/controller.h"
#include "nova/dashboard/chart_spec.h"
#include "nova/dashboard/incident_range.h"
#include "nova/promql/engine.h"
#include "nova/rules/loader.h"
#include "nova/tsdb/storage.h"

namespace nova::daemon::detail {

/// How the daemon's dashboard document is built.
struct DashboardSettings {
  /// Where the switch moves traffic, for people ("dry-run switch").
  std::string trafficDetail;
  /// Whether hold / release / rollback are accepted (an API token is configured).
  bool commandsEnabled = false;
  /// The charts' evaluation step: the scrape interval, the finest that means anything.
  DurationMs resolution = kSecond;
};

/// The dashboard's document from the daemon's own store, rules and escalator. Its cost is
/// bounded by the charts' fixed window, step and point caps (dashboard::CollectOptions).
/// Not thread-safe: the loop thread owns it, as it owns the store it reads.
class DashboardBuilder {
 public:
  /// No charts until setRules().
  explicit DashboardBuilder(DashboardSettings settings) : settings_(std::move(settings)) {}

  /// The charts for new rules. When the rules' dashboard annotations are refused, the
  /// runbook's four charts are drawn unbound (nothing shaded) and the error is returned,
  /// for the log: the dashboard must not go dark over a chart annotation.
  Status setRules(const rules::RuleSet& ruleSet);

  /// The metric names the charts' queries select, sorted and unique; nullopt when one has
  /// a selector without a fixed name (then every series must be kept).
  std::optional<std::vector<std::string>> selectedMetricNames() const;

  /// The document at `now` (wall ms). The store must not be written during the call.
  std::string build(const Controller& controller, const tsdb::Storage& storage,
                    TimestampMs now) const;

  /// The document at `now` with its charts over `range` instead of the last 15 minutes
  /// (an incident's, kept for its report). The same point caps bound its size.
  std::string build(const Controller& controller, const tsdb::Storage& storage, TimestampMs now,
                    const dashboard::ChartRange& range) const;

 private:
  DashboardSettings settings_;
  std::vector<dashboard::ChartSpec> charts_;
  promql::Engine engine_;
};

}  // namespace nova::daemon::detail
