#include "nova/notify/slack_notifier.h"

namespace nova::notify {

SlackNotifier::SlackNotifier(Parts parts, Secret webhookUrl)
    : RetryingNotifier([&] {
        for (auto& piece : urlSecrets(webhookUrl)) {
          parts.secrets.push_back(std::move(piece));
        }
        return std::move(parts);
      }()),
      webhookUrl_(std::move(webhookUrl)) {
  start();
}

SlackNotifier::~SlackNotifier() {
  stop();
}

std::string SlackNotifier::coalesceKey(const Notification& notification) const {
  // Hold and release outside an incident coalesce with each other under "-".
  return notification.incidentId.empty() ? "-" : notification.incidentId;
}

Attempt SlackNotifier::post(const Delivery& delivery) {
  return postJson({webhookUrl_.reveal(), slackPayload(delivery.notifications), {}, 200});
}

}  // namespace nova::notify
