#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "nova/notify/retrying_notifier.h"

namespace nova::notify {

/// Replaces exactly Slack's three control characters: & -> &amp;, < -> &lt;, > -> &gt;.
/// Pure.
std::string escapeMrkdwn(std::string_view text);

/// The title of a notification kind for people ("Rollback started").
std::string_view kindTitle(NotificationKind kind);

/// The incoming-webhook body for one incident update: `text` (the fallback for
/// notifications) and Block Kit `blocks`: a header ("[HIGH] Rollback started", plain text,
/// at most 150 characters), a section with fields Severity, Action, Incident and per rule
/// "Rule" and "Value" (value against threshold; at most 10 fields), a section with the
/// reason, and a context line linking to /status. `updates` are coalesced updates of one
/// incident, oldest first: the message shows the newest and names the earlier ones. All
/// user text in mrkdwn is escaped. Pure.
std::string slackPayload(const std::vector<Notification>& updates);

/// Posts to a Slack incoming webhook (the URL is the credential), at most one message per
/// second (DeliveryOptions::minInterval), coalescing updates of an incident that arrive
/// while the previous message waits. Success is 200; 429 waits for Retry-After.
class SlackNotifier final : public RetryingNotifier {
 public:
  SlackNotifier(Parts parts, Secret webhookUrl);
  ~SlackNotifier() override;

 protected:
  Attempt post(const Delivery& delivery) override;
  std::string coalesceKey(const Notification& notification) const override;

 private:
  Secret webhookUrl_;
};

}  // namespace nova::notify
