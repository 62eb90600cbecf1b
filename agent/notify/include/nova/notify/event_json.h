#pragma once

#include <string>
#include <string_view>

#include "nova/core/result.h"
#include "nova/notify/notifier.h"

namespace nova::notify {

/// The notification as one JSON object, the body of the generic webhook:
/// `{"version":1,"kind":"rollback_started","severity":"high","incident_id":"...",
/// "action":"rollback","reason":"...","rules":[{"name":..,"value":..,"threshold":..,
/// "summary":..}],"status_url":"...","at":"2026-01-02T03:04:05.678Z","at_ms":...}`
/// (`at` is RFC 3339 with milliseconds, nova::formatRfc3339).
/// NaN values are written as null. Pure.
std::string eventJson(const Notification& notification);

/// Reads what eventJson() wrote. Errors (kInvalidInput) say which field is wrong.
Result<Notification> parseEventJson(std::string_view text);

}  // namespace nova::notify
