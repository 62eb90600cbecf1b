#pragma once

#include <string>
#include <string_view>

#include "nova/core/result.h"
#include "nova/notify/notifier.h"

namespace nova::notify {

/// The notification as one JSON object, the body of the generic webhook:
/// `{"version":1,"kind":"rollback_started","severity":"high","incident_id":"...",
/// "action":"rollback","reason":"...","rules":[{"name":..,"value":..,"threshold":..,
/// "summary":..}],"status_url":"...","at":"2026-01-02T03:04:05.678Z","at_ms":...}`.
/// NaN values are written as null. Pure.
std::string eventJson(const Notification& notification);

/// Reads what eventJson() wrote. Errors say which field is wrong.
Result<Notification> parseEventJson(std::string_view text);

/// RFC 3339 in UTC with milliseconds ("2026-01-02T03:04:05.678Z"). Pure.
std::string formatRfc3339(TimestampMs at);

}  // namespace nova::notify
