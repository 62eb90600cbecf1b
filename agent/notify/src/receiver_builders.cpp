#include "receiver_builders.h"

#include <array>
#include <vector>

#include "nova/http/url.h"
#include "nova/notify/alertmanager_notifier.h"
#include "nova/notify/pagerduty_notifier.h"
#include "nova/notify/slack_notifier.h"
#include "nova/notify/webhook_notifier.h"
#include "settings.h"

namespace nova::notify::detail {
namespace {

// Settings every network receiver understands.
constexpr std::array<std::string_view, 8> kCommonKeys{"name",       "severities", "kinds",
                                                      "state_file", "timeout",    "max_attempts",
                                                      "queue_size", "backoff"};

std::vector<std::string_view> keysWith(std::initializer_list<std::string_view> own) {
  std::vector<std::string_view> keys(kCommonKeys.begin(), kCommonKeys.end());
  keys.insert(keys.end(), own);
  return keys;
}

// Where the receiver's ledger lives: `state_file`, or "<stateDir>/notify-<name>.json", or
// memory (""). Its outbox is the same path with ".outbox" for ".json" (or appended).
std::string ledgerPath(const NotifierConfig& config, const NotifyDeps& deps) {
  if (auto it = config.settings.find("state_file"); it != config.settings.end()) {
    return it->second;
  }
  if (deps.stateDir.empty()) {
    return "";
  }
  std::string file = receiverName(config);
  for (char& c : file) {
    c = std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' ? c : '_';
  }
  return deps.stateDir + "/notify-" + file + ".json";
}

std::string outboxPath(const std::string& ledger) {
  if (ledger.empty()) {
    return "";
  }
  const std::string_view json = ".json";
  return (ledger.ends_with(json) ? ledger.substr(0, ledger.size() - json.size()) : ledger) +
         ".outbox";
}

// Common settings into Parts; `minInterval` is the type's pacing default.
Result<RetryingNotifier::Parts> commonParts(const NotifierConfig& config, const NotifyDeps& deps,
                                            std::span<const std::string_view> keys,
                                            DurationMs minInterval) {
  const Settings& s = config.settings;
  if (auto known = checkKnownKeys(s, keys); !known.ok()) {
    return known.error();
  }
  RetryingNotifier::Parts parts;
  parts.name = receiverName(config);
  auto route = Route::fromSettings(config.type, s);
  auto timeout = durationSetting(s, "timeout", parts.options.requestTimeout);
  auto backoff = durationSetting(s, "backoff", parts.options.backoff.base);
  auto attempts = countSetting(s, "max_attempts", parts.options.maxAttempts);
  auto queue = countSetting(s, "queue_size", static_cast<long>(parts.options.queueCapacity));
  auto pacing = durationSetting(s, "min_interval", minInterval);
  for (const Error* e :
       {route.ok() ? nullptr : &route.error(), timeout.ok() ? nullptr : &timeout.error(),
        backoff.ok() ? nullptr : &backoff.error(), attempts.ok() ? nullptr : &attempts.error(),
        queue.ok() ? nullptr : &queue.error(), pacing.ok() ? nullptr : &pacing.error()}) {
    if (e != nullptr) {
      return *e;
    }
  }
  if (*timeout <= 0) {
    return Error(ErrorCode::kInvalidInput, "timeout: must be positive");
  }
  parts.route = *route;
  parts.options.requestTimeout = *timeout;
  parts.options.backoff.base = std::max<DurationMs>(*backoff, 1);
  parts.options.maxAttempts = static_cast<int>(std::min<long>(*attempts, 100));
  parts.options.queueCapacity = static_cast<std::size_t>(*queue);
  parts.options.minInterval = *pacing;
  parts.clock = deps.clock;
  parts.random = deps.random;
  const std::string ledgerFile = ledgerPath(config, deps);
  auto ledger = IncidentLedger::open(ledgerFile);
  if (!ledger.ok()) {
    return ledger.error();
  }
  auto outbox = Outbox::open(outboxPath(ledgerFile));
  if (!outbox.ok()) {
    return outbox.error();
  }
  parts.ledger = std::move(*ledger);
  parts.outbox = std::move(*outbox);
  return parts;
}

Result<Secret> requiredSecret(const NotifierConfig& config, std::string_view key,
                              const NotifyDeps& deps) {
  auto secret = readSecret(config.settings, key, deps.secrets);
  if (!secret.ok()) {
    return secret.error();
  }
  if (!secret->has_value()) {
    const std::string k(key);
    return Error(ErrorCode::kInvalidInput,
                 k + ": missing (set " + k + ", " + k + "_file or " + k + "_env)");
  }
  return **secret;
}

// The URL in `key`, checked; errors never repeat it (it may be a secret).
Result<http::Url> httpUrl(const std::string& key, const std::string& text) {
  auto url = http::Url::parse(text);
  if (!url.ok()) {
    return url.error().prefixed(key + ": ");
  }
  return url;
}

// A password in a URL that is not itself a secret still is one.
void addPassword(const http::Url& url, RetryingNotifier::Parts& parts) {
  if (auto password = url.encodedPassword(); !password.empty()) {
    parts.secrets.emplace_back(std::move(password));
  }
}

}  // namespace

std::string receiverName(const NotifierConfig& config) {
  auto it = config.settings.find("name");
  return it == config.settings.end() ? config.type : config.type + ":" + it->second;
}

Result<ReceiverPtr> buildSlack(const NotifierConfig& config, const NotifyDeps& deps) {
  const auto keys =
      keysWith({"webhook_url", "webhook_url_file", "webhook_url_env", "min_interval"});
  auto parts = commonParts(config, deps, keys, kSecond);
  if (!parts.ok()) {
    return parts.error();
  }
  auto url = requiredSecret(config, "webhook_url", deps);
  if (!url.ok()) {
    return url.error();
  }
  if (auto valid = httpUrl("webhook_url", url->reveal()); !valid.ok()) {
    return valid.error();
  }
  return ReceiverPtr(std::make_unique<SlackNotifier>(std::move(*parts), std::move(*url)));
}

Result<ReceiverPtr> buildPagerDuty(const NotifierConfig& config, const NotifyDeps& deps) {
  const auto keys = keysWith({"routing_key", "routing_key_file", "routing_key_env", "url", "source",
                              "component", "group", "min_interval"});
  auto parts = commonParts(config, deps, keys, 0);
  if (!parts.ok()) {
    return parts.error();
  }
  auto key = requiredSecret(config, "routing_key", deps);
  if (!key.ok()) {
    return key.error();
  }
  PagerDutyOptions options;
  options.url = stringSetting(config.settings, "url", options.url);
  options.source = stringSetting(config.settings, "source", options.source);
  options.component = stringSetting(config.settings, "component");
  options.group = stringSetting(config.settings, "group");
  auto valid = httpUrl("url", options.url);
  if (!valid.ok()) {
    return valid.error();
  }
  addPassword(*valid, *parts);
  return ReceiverPtr(
      std::make_unique<PagerDutyNotifier>(std::move(*parts), std::move(options), std::move(*key)));
}

Result<ReceiverPtr> buildAlertmanager(const NotifierConfig& config, const NotifyDeps& deps) {
  const auto keys = keysWith({"url", "resend_interval", "alertname", "service", "version", "color",
                              "namespace", "runbook_url", "min_interval"});
  auto parts = commonParts(config, deps, keys, 0);
  if (!parts.ok()) {
    return parts.error();
  }
  const Settings& s = config.settings;
  AlertmanagerOptions options;
  options.url = stringSetting(s, "url");
  if (options.url.empty()) {
    return Error(ErrorCode::kInvalidInput,
                 "url: missing (the Alertmanager base URL, e.g. http://alertmanager:9093)");
  }
  auto valid = httpUrl("url", options.url);
  if (!valid.ok()) {
    return valid.error();
  }
  addPassword(*valid, *parts);
  auto resend = durationSetting(s, "resend_interval", options.resendInterval);
  if (!resend.ok()) {
    return resend.error();
  }
  if (*resend < kSecond) {
    return Error(ErrorCode::kInvalidInput, "resend_interval: must be at least 1s");
  }
  options.resendInterval = *resend;
  options.alertname = stringSetting(s, "alertname", options.alertname);
  options.service = stringSetting(s, "service");
  options.version = stringSetting(s, "version");
  options.color = stringSetting(s, "color", options.color);
  options.namespaceName = stringSetting(s, "namespace");
  options.runbookUrl = stringSetting(s, "runbook_url");
  return ReceiverPtr(std::make_unique<AlertmanagerNotifier>(std::move(*parts), std::move(options)));
}

Result<ReceiverPtr> buildWebhook(const NotifierConfig& config, const NotifyDeps& deps) {
  const auto keys = keysWith({"url", "url_file", "url_env", "hmac_secret", "hmac_secret_file",
                              "hmac_secret_env", "signature_header", "min_interval"});
  auto parts = commonParts(config, deps, keys, 0);
  if (!parts.ok()) {
    return parts.error();
  }
  auto url = requiredSecret(config, "url", deps);
  if (!url.ok()) {
    return url.error();
  }
  if (auto valid = httpUrl("url", url->reveal()); !valid.ok()) {
    return valid.error();
  }
  auto hmac = readSecret(config.settings, "hmac_secret", deps.secrets);
  if (!hmac.ok()) {
    return hmac.error();
  }
  return ReceiverPtr(std::make_unique<WebhookNotifier>(
      std::move(*parts), std::move(*url), std::move(*hmac),
      stringSetting(config.settings, "signature_header", "X-Nova-Signature")));
}

}  // namespace nova::notify::detail
