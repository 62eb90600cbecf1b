// Frames an incident's charts: the switch (or a lead before the breach) to the rollback
// plus a margin, within what the store holds.
#include "nova/dashboard/incident_range.h"

#include <algorithm>
#include <limits>

#include "nova/core/rfc3339.h"

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

Result<ChartRange> checkChartRange(ChartRange asked, TimestampMs now,
                                   std::optional<TimestampMs> oldestStored) {
  if (asked.from >= asked.to) {
    return Error(ErrorCode::kInvalidInput, "from must be before to");
  }
  if (asked.to - asked.from > kMaxIncidentWindow) {
    return Error(ErrorCode::kInvalidInput,
                 "the range is longer than " + formatDuration(kMaxIncidentWindow));
  }
  if (asked.to > now + kMinute) {
    return Error(ErrorCode::kInvalidInput,
                 "to is in the future (now is " + formatRfc3339(now, SubSecond::kNone) + ")");
  }
  if (oldestStored && asked.to < *oldestStored) {
    return Error(
        ErrorCode::kInvalidInput,
        "the store holds data from " + formatRfc3339(*oldestStored, SubSecond::kNone) + " on");
  }
  asked.from = std::max(asked.from, oldestStored.value_or(asked.from));
  return asked;
}

}  // namespace nova::dashboard
