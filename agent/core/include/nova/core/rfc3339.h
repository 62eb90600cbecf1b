#pragma once

#include <string>
#include <string_view>

#include "nova/core/result.h"
#include "nova/core/time.h"

namespace nova {

/// How many fraction digits formatRfc3339 writes.
enum class SubSecond {
  kNone,    ///< "2026-12-05T02:00:00Z": Kubernetes metav1.Time, Slack, report headers.
  kMillis,  ///< "2026-12-05T02:00:00.250Z": logs, journals, Alertmanager.
  kMicros,  ///< "2026-12-05T02:00:00.250000Z": Kubernetes MicroTime (Lease renewTime).
};

/// Formats wall time `t` (ms since the epoch, negative allowed) in UTC as RFC 3339.
std::string formatRfc3339(TimestampMs t, SubSecond precision = SubSecond::kMillis);

/// Parses RFC 3339 / ISO 8601 date-time: "2026-12-05T02:00:00Z",
/// "2026-12-05T02:00:00.123456789+01:00", lower-case "t"/"z" and a space for "T" accepted.
/// Fractions beyond milliseconds are truncated. Errors (kInvalidInput) name the column.
Result<TimestampMs> parseRfc3339(std::string_view text);

}  // namespace nova
