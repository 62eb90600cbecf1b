#pragma once

#include <optional>

#include "nova/core/result.h"
#include "nova/core/time.h"

namespace nova::dashboard {

/// A closed time range of chart data, in wall ms.
struct ChartRange {
  TimestampMs from = 0;
  TimestampMs to = 0;
  friend bool operator==(const ChartRange&, const ChartRange&) = default;
};

/// What an incident's charts are framed by.
struct IncidentMoments {
  /// When traffic moved to green, when known.
  std::optional<TimestampMs> switchedAt;
  /// When the incident opened (its first breach counted).
  TimestampMs openedAt = 0;
  /// When traffic was back on blue.
  TimestampMs rolledBackAt = 0;
  /// The oldest moment the store still holds (its newest sample minus its retention);
  /// nullopt when it keeps everything.
  std::optional<TimestampMs> oldestStored;
  /// Now: no data exists after it.
  TimestampMs now = 0;
};

/// How far before the first breach the charts start when the switch is out of reach.
inline constexpr DurationMs kLeadBeforeIncident = 5 * kMinute;
/// How long after traffic is back on blue the charts go on, to show the recovery.
inline constexpr DurationMs kMarginAfterRollback = 2 * kMinute;
/// The longest window an incident's charts cover; its start moves forward beyond it.
inline constexpr DurationMs kMaxIncidentWindow = 2 * kHour;
/// The shortest window: a rollback within seconds of the switch still gets a picture.
inline constexpr DurationMs kMinIncidentWindow = kMinute;

/// The window of an incident's charts: from the switch when the store still holds it,
/// else from kLeadBeforeIncident before the incident opened (never before the store's
/// oldest moment), to kMarginAfterRollback after the rollback completed, but not past
/// `now`. At most kMaxIncidentWindow long (the start moves forward), at least
/// kMinIncidentWindow (the start moves back, where the store allows). Pure.
ChartRange incidentChartRange(const IncidentMoments& moments);

/// A range asked for by a client (GET /v1/dashboard?from=&to=), checked against what the
/// store can hold: `from` before `to`, at most kMaxIncidentWindow apart, `to` no later than
/// a minute past `now`, and not wholly before `oldestStored` (the store's newest sample
/// minus its retention; nullopt when it keeps everything). A `from` before the store's
/// oldest moment is moved up to it. Errors (kInvalidInput) say which bound was passed
/// ("the store holds data from 2025-12-05T02:00:00Z on"). Pure.
Result<ChartRange> checkChartRange(ChartRange asked, TimestampMs now,
                                   std::optional<TimestampMs> oldestStored);

}  // namespace nova::dashboard
