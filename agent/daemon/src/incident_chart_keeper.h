#pragma once

#include <functional>
#include <optional>
#include <string>

#include "incident_charts.h"
#include "nova/core/time.h"
#include "nova/daemon/metrics.h"
#include "nova/dashboard/incident_range.h"
#include "nova/policy/incident.h"

namespace nova::daemon::detail {

/// When a rolled-back incident's charts are saved: at once when the agent's rollback has
/// completed (the loop sees the incident rolled back), and again kMarginAfterRollback later
/// with the recovery, over dashboard::incidentChartRange. A restarted agent keeps what it
/// saved before, since its store no longer holds the incident. Not thread-safe: the loop
/// owns it.
class IncidentChartKeeper {
 public:
  /// Builds the document with its charts over a range (on the loop, which owns the store).
  using Build = std::function<std::string(const dashboard::ChartRange&)>;

  /// `charts` and `metrics` (counts each save; may be null) must outlive the keeper.
  explicit IncidentChartKeeper(IncidentCharts& charts, AgentMetrics* metrics = nullptr)
      : charts_(charts), metrics_(metrics) {}

  /// What the loop knows at one iteration.
  struct Moment {
    std::optional<policy::Incident> incident;
    TimestampMs switchedAt = 0;
    std::optional<TimestampMs> oldestStored;
    TimestampMs now = 0;
  };

  /// Saves the incident's charts when they are due; the range saved, or nullopt when
  /// nothing was (not due, or the save failed: logged).
  std::optional<dashboard::ChartRange> step(const Moment& moment, const Build& build);

 private:
  std::optional<dashboard::ChartRange> save(const Moment& moment, TimestampMs rolledBackAt,
                                            const Build& build);

  IncidentCharts& charts_;
  AgentMetrics* metrics_;
  std::string incident_;
  TimestampMs rolledBackAt_ = 0;
  bool recoveryPending_ = false;
};

}  // namespace nova::daemon::detail
