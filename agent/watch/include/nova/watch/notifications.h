#pragma once

#include <string>
#include <vector>

#include "nova/core/time.h"
#include "nova/notify/notifier.h"
#include "nova/policy/escalator.h"
#include "nova/traffic/switch.h"

namespace nova::watch {

/// The notifications one decision gives rise to, in order: one for its action (notify and
/// page: incident_opened, severity_changed or escalated; rollback: rollback_started), then
/// one per incident_resolved, hold, release and rollback_completed event. Each carries the
/// incident id as its dedup key, the firing rules (every rule when none fires) and
/// `statusUrl`, stamped `now` (ms). Pure.
std::vector<notify::Notification> notificationsFor(const policy::Decision& decision,
                                                   const std::string& statusUrl, TimestampMs now);

/// The critical notification for a rollback that cannot be done: a person must act.
notify::Notification rollbackImpossible(const traffic::RollbackRequest& request,
                                        const std::string& reason, const std::string& statusUrl,
                                        TimestampMs now);

}  // namespace nova::watch
