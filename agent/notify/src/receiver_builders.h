#pragma once

#include "nova/notify/receiver.h"

namespace nova::notify::detail {

/// "slack", or "slack:<name>" with the `name` setting.
std::string receiverName(const NotifierConfig& config);

/// One builder per network type: validates the settings and constructs the receiver.
/// Errors are bare ("url: missing"); makeReceiver prefixes the type.
Result<ReceiverPtr> buildSlack(const NotifierConfig& config, const NotifyDeps& deps);
Result<ReceiverPtr> buildPagerDuty(const NotifierConfig& config, const NotifyDeps& deps);
Result<ReceiverPtr> buildAlertmanager(const NotifierConfig& config, const NotifyDeps& deps);
Result<ReceiverPtr> buildWebhook(const NotifierConfig& config, const NotifyDeps& deps);

}  // namespace nova::notify::detail
