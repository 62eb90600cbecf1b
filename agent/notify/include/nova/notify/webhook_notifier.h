#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "nova/notify/retrying_notifier.h"

namespace nova::notify {

/// "sha256=" + lower-case hex HMAC-SHA256 of `body` under `key`, the value of the
/// signature header; a receiver recomputes it over the raw body and compares. Pure.
std::string webhookSignature(const Secret& key, std::string_view body);

/// Posts eventJson() of each notification to a URL (a secret: it may carry a token), with
/// an optional signature header (default "X-Nova-Signature") when an HMAC key is set. Any
/// 2xx is success.
class WebhookNotifier final : public RetryingNotifier {
 public:
  WebhookNotifier(Parts parts, Secret url, std::optional<Secret> hmacKey,
                  std::string signatureHeader = "X-Nova-Signature");
  ~WebhookNotifier() override;

 protected:
  Attempt post(const Delivery& delivery) override;

 private:
  Secret url_;
  std::optional<Secret> hmacKey_;
  std::string signatureHeader_;
};

}  // namespace nova::notify
