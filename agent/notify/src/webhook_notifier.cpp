#include "nova/notify/webhook_notifier.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "nova/notify/event_json.h"

namespace nova::notify {

std::string webhookSignature(const Secret& key, std::string_view body) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  const std::string& k = key.reveal();
  if (HMAC(EVP_sha256(), k.data(), static_cast<int>(k.size()),
           reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest,
           &length) == nullptr) {
    return {};
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "sha256=";
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xF];
  }
  return out;
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
