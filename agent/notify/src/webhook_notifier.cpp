#include "nova/notify/webhook_notifier.h"

#include "nova/http/encoding.h"
#include "nova/notify/event_json.h"

namespace nova::notify {

std::string webhookSignature(const Secret& key, std::string_view body) {
  return "sha256=" + http::hmacSha256Hex(key.reveal(), body);
}

WebhookNotifier::WebhookNotifier(Parts parts, Secret url, std::optional<Secret> hmacKey,
                                 std::string signatureHeader)
    : RetryingNotifier([&] {
        for (auto& piece : urlSecrets(url)) {
          parts.secrets.push_back(std::move(piece));
        }
        if (hmacKey) {
          parts.secrets.push_back(*hmacKey);
        }
        return std::move(parts);
      }()),
      url_(std::move(url)),
      hmacKey_(std::move(hmacKey)),
      signatureHeader_(std::move(signatureHeader)) {
  start();
}

WebhookNotifier::~WebhookNotifier() {
  stop();
}

Attempt WebhookNotifier::post(const Delivery& delivery) {
  JsonPost request{url_.reveal(), eventJson(delivery.notifications.back()), {}, 0};
  if (hmacKey_) {
    request.headers.emplace_back(signatureHeader_, webhookSignature(*hmacKey_, request.body));
  }
  return postJson(request);
}

}  // namespace nova::notify
