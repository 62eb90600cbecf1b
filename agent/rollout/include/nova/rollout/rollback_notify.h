#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nova/notify/notifier.h"
#include "nova/rollout/config.h"
#include "nova/rollout/rollback.h"

namespace nova::rollout {

/// The dedup key of a rollback's notice: "<rollout id>:rollback_<option>_<notice>"
/// ("r1:rollback_full_green_removed"), and for a failure the stage it failed in
/// ("r1:rollback_switch_failed_blue"). A re-run that reaches the same state again is
/// skipped by the receivers' ledgers; the same news from another option, or a failure in
/// another stage, is news of its own. Pure.
std::string rollbackNotificationKey(std::string_view rolloutId, RollbackOption option,
                                    RollbackNotice notice, std::string_view stage = "");

/// What the team channel hears of rollback event `e`, or nullopt when it carries no notice.
/// Kinds: the start is rollback_started; traffic on blue, green's weight at 0 and green
/// removed are rollback_done; parked is rollout_needs_person at no severity (a person
/// decides, nobody is paged); the database restored is database_restored; a failure is
/// rollback_impossible (high) while traffic is not on blue, else rollout_needs_person
/// (high). The reason names the rollout, the option, who runs it and what happened.
/// `statusUrl` is the agent's /status or "". Pure.
std::optional<notify::Notification> rollbackNotification(const RollbackEvent& e,
                                                         std::string_view statusUrl);

/// What a run of `option` announces when it goes well, in order (a failure adds kFailed),
/// for a dry run to say what it would send.
std::vector<RollbackNotice> plannedNotices(RollbackOption option);

/// The receivers of `notifiers:` as their logs name them ("slack:deploys, webhook"): the
/// type and the `name` setting, never another setting; "" when none is configured.
std::string describeReceivers(const std::vector<NotifierSpec>& specs);

}  // namespace nova::rollout
