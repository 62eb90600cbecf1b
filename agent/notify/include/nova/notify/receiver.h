#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "nova/core/clock.h"
#include "nova/core/random.h"
#include "nova/core/result.h"
#include "nova/core/time.h"
#include "nova/notify/delivery.h"
#include "nova/notify/notifier.h"
#include "nova/notify/secret.h"

namespace nova::notify {

/// A Notifier the Router can route to, count and drive. send() honours the receiver's
/// Route (notifications it does not accept return ok and go nowhere).
class Receiver : public Notifier {
 public:
  /// True when send() would deliver this notification. Thread-safe.
  virtual bool accepts(const Notification& notification) const = 0;
  /// The counters and gauges now (see DeliveryStats). Thread-safe.
  virtual DeliveryStats stats() const = 0;
  /// Periodic work due at `now` (wall time, ms since the epoch), such as Alertmanager's
  /// re-sends. Never blocks: the work is queued. Thread-safe.
  virtual void tick(TimestampMs now) { (void)now; }
  /// Waits up to `timeout` ms of the receiver's clock (monotonic) until nothing is queued
  /// or in flight; true when idle.
  virtual bool flush(DurationMs timeout) {
    (void)timeout;
    return true;
  }
  /// Asks the receiver to stop without waiting: later sends are refused, nothing new is
  /// attempted, and destroying it then waits only for the attempt in flight. Lets a router
  /// stop all its receivers at once, so a shutdown takes one request timeout, not the sum.
  /// What is not delivered stays in a durable outbox. Thread-safe.
  virtual void beginStop() {}
};

using ReceiverPtr = std::unique_ptr<Receiver>;

/// What receivers need from the process. Null pointers and empty functions mean the real
/// thing (system clock, std::random_device-seeded generator, getenv, file reads).
struct NotifyDeps {
  /// Time and waiting: payload timestamps (wall), and retries, backoff, pacing, Retry-After
  /// and flush() bounds (monotonic, through Wakeup). Must outlive the receivers and be
  /// thread-safe (the delivery threads read it).
  const Clock* clock = nullptr;
  /// Jitter for retry backoff. Must outlive the receivers.
  Random* random = nullptr;
  SecretSources secrets;
  /// Directory for each receiver's delivery ledger ("notify-<name>.json") and durable
  /// outbox ("notify-<name>.outbox") when `state_file` is not set; empty keeps both in
  /// memory only (a stop or crash then loses what was not delivered yet).
  std::string stateDir;
};

/// True when `key` of a notifier of `type` holds a secret's value (slack `webhook_url`,
/// pagerduty `routing_key`, webhook `url` and `hmac_secret`), so a config dump must never
/// show it. The `_file`/`_env` forms only name where it lives.
bool isSecretSetting(std::string_view type, std::string_view key);

/// The settings of `config` as they may be shown in /status, --check-config and logs,
/// whatever the source of each value (inline, --set, {file:}, {env:}): a secret setting
/// of the type (isSecretSetting) is "<redacted>", or for a secret URL its origin with the
/// rest hidden ("https://hooks.slack.com/<redacted>"); any other key that names a
/// credential (containing "secret", "token", "password" or "key") is "<redacted>"; every
/// other URL-valued setting (`url`, `*_url`) goes through http::redactUrl (passwords,
/// webhook tokens, credential query values); `_file` paths and `_env` names as given. Pure.
std::map<std::string, std::string> redactedSettings(const NotifierConfig& config);

/// Builds the receiver for `config`: the type's payload, the shared queue and retries, the
/// route from `severities`/`kinds`, the ledger and outbox files. Settings per type:
/// agent/notify/README.md. Errors are "notifier <type>: " and the reason, never a secret's
/// value: kInvalidInput for settings (unknown ones with a did-you-mean hint), the secret
/// source's code for an unreadable secret (kNotFound, kRefused), and the file's code for a
/// ledger or outbox that cannot be used (kRefused for a read-only state directory).
/// makeNotifier() is this function with default deps.
Result<ReceiverPtr> makeReceiver(const NotifierConfig& config, const NotifyDeps& deps = {});

}  // namespace nova::notify
