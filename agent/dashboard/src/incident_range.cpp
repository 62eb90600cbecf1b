// Frames an incident's charts: the switch (or a lead before the breach) to the rollback
// plus a margin, within what the store holds.
#include "nova/dashboard/incident_range.h"

#include <algorithm>
#include <limits>

namespace nova::dashboard {

ChartRange incidentChartRange(const IncidentMoments& m) {
  const TimestampMs oldest = m.oldestStored.value_or(std::numeric_limits<TimestampMs>::min());
  const TimestampMs opened = std::min(m.openedAt, m.rolledBackAt);
  ChartRange range;
  range.to = std::min(m.rolledBackAt + kMarginAfterRollback, std::max(m.now, m.rolledBackAt));
  // The switch frames the story from its start, unless the store lost it or it comes after
  // the incident (a clock step): then a few minutes before the breach give the context.
  if (m.switchedAt && *m.switchedAt >= oldest && *m.switchedAt <= opened) {
    range.from = *m.switchedAt;
  } else {
    range.from = std::max(opened - kLeadBeforeIncident, oldest);
  }
  range.from = std::max(range.from, range.to - kMaxIncidentWindow);
  if (range.to - range.from < kMinIncidentWindow) {
    range.from = std::max(range.to - kMinIncidentWindow, std::min(oldest, range.from));
  }
  return range;
}

}  // namespace nova::dashboard
