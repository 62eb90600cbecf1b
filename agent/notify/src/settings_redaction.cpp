// What a configuration dump may show of a notifier's settings.
#include <array>

#include "nova/core/text.h"
#include "nova/http/url.h"
#include "nova/notify/receiver.h"

namespace nova::notify {
namespace {

// Parts of setting names that hold a credential whatever the type (a future type, a typo).
constexpr std::array<std::string_view, 4> kCredentialWords{"secret", "token", "password", "key"};

bool namesWhereASecretLives(std::string_view key) {
  return key.ends_with("_file") || key.ends_with("_env");
}

bool namesACredential(std::string_view key) {
  const std::string lower = toLowerAscii(key);
  for (std::string_view word : kCredentialWords) {
    if (lower.find(word) != std::string::npos) {
      return true;
    }
  }
  return false;
}

bool holdsAUrl(std::string_view key) {
  return key == "url" || key.ends_with("_url");
}

std::string shownSecret(std::string_view key, const std::string& value) {
  if (holdsAUrl(key)) {
    // Whose webhook it is helps a person; the path and query are the credential.
    if (auto url = http::Url::parse(value); url.ok()) {
      return url->origin() + "/" + std::string(kRedacted);
    }
  }
  return std::string(kRedacted);
}

}  // namespace

bool isSecretSetting(std::string_view type, std::string_view key) {
  return (type == "slack" && key == "webhook_url") ||
         (type == "pagerduty" && key == "routing_key") ||
         (type == "webhook" && (key == "url" || key == "hmac_secret"));
}

std::map<std::string, std::string> redactedSettings(const NotifierConfig& config) {
  std::map<std::string, std::string> shown;
  for (const auto& [key, value] : config.settings) {
    if (namesWhereASecretLives(key)) {
      shown[key] = value;
    } else if (isSecretSetting(config.type, key) || namesACredential(key)) {
      shown[key] = shownSecret(key, value);
    } else if (holdsAUrl(key)) {
      shown[key] = http::redactUrl(value);
    } else {
      shown[key] = value;
    }
  }
  return shown;
}

}  // namespace nova::notify
