#include "incident_chart_keeper.h"

#include <spdlog/spdlog.h>

#include "nova/core/rfc3339.h"

namespace nova::daemon::detail {

std::optional<dashboard::ChartRange> IncidentChartKeeper::step(const Moment& moment,
                                                               const Build& build) {
  const auto& incident = moment.incident;
  if (!incident || incident->state != policy::IncidentState::kRolledBack) {
    return std::nullopt;
  }
  if (incident_ != incident->id) {
    incident_ = incident->id;
    rolledBackAt_ = moment.now;
    recoveryPending_ = !charts_.has(incident->id);
    return recoveryPending_ ? save(moment, moment.now, build) : std::nullopt;
  }
  if (recoveryPending_ && moment.now >= rolledBackAt_ + dashboard::kMarginAfterRollback) {
    recoveryPending_ = false;
    return save(moment, rolledBackAt_, build);
  }
  return std::nullopt;
}

std::optional<dashboard::ChartRange> IncidentChartKeeper::save(const Moment& moment,
                                                               TimestampMs rolledBackAt,
                                                               const Build& build) {
  const policy::Incident& incident = *moment.incident;
  dashboard::IncidentMoments moments;
  moments.switchedAt = moment.switchedAt;
  moments.openedAt = incident.startedAt;
  moments.rolledBackAt = rolledBackAt;
  moments.now = moment.now;
  moments.oldestStored = moment.oldestStored;
  const dashboard::ChartRange range = dashboard::incidentChartRange(moments);
  std::string document = build(range);
  const std::size_t bytes = document.size();
  const Status saved = charts_.save(incident.id, std::move(document));
  if (metrics_ != nullptr) {
    metrics_->incidentCharts(saved.ok());
  }
  if (!saved) {
    spdlog::error("incident {}: charts not saved: {}", incident.id, saved.error().message);
    return std::nullopt;
  }
  spdlog::info("incident {}: charts from {} to {} saved ({} bytes)", incident.id,
               formatRfc3339(range.from, SubSecond::kNone),
               formatRfc3339(range.to, SubSecond::kNone), bytes);
  return range;
}

}  // namespace nova::daemon::detail
