#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "nova/core/clock.h"
#include "nova/core/result.h"
#include "nova/core/time.h"
#include "nova/notify/delivery.h"
#include "nova/notify/notifier.h"
#include "nova/notify/secret.h"

namespace nova::notify {

class Random;

/// A Notifier the Router can route to, count and drive. send() honours the receiver's
/// Route (notifications it does not accept return ok and go nowhere).
class Receiver : public Notifier {
 public:
  /// True when send() would deliver this notification. Thread-safe.
  virtual bool accepts(const Notification& notification) const = 0;
  /// The counters so far. Thread-safe.
  virtual DeliveryStats stats() const = 0;
  /// Periodic work due at `now` (ms since the epoch), such as Alertmanager's re-sends.
  /// Never blocks: the work is queued. Thread-safe.
  virtual void tick(TimestampMs now) { (void)now; }
  /// Waits up to `timeout` ms until nothing is queued or in flight; true when idle.
  virtual bool flush(DurationMs timeout) {
    (void)timeout;
    return true;
  }
};

using ReceiverPtr = std::unique_ptr<Receiver>;

/// What receivers need from the process. Null pointers and empty functions mean the real
/// thing (system clock, std::random_device-seeded generator, getenv, file reads).
struct NotifyDeps {
  /// Time for payload timestamps (startsAt, endsAt, PagerDuty timestamp). Must outlive the
  /// receivers and be thread-safe (the delivery thread reads it).
  const Clock* clock = nullptr;
  /// Jitter for retry backoff. Must outlive the receivers.
  Random* random = nullptr;
  SecretSources secrets;
  /// Directory for each receiver's delivery ledger ("notify-<name>.json") when its
  /// `state_file` is not set; empty keeps ledgers in memory only.
  std::string stateDir;
};

/// True when `key` of a notifier of `type` holds a secret's value (slack `webhook_url`,
/// pagerduty `routing_key`, webhook `url` and `hmac_secret`), so a config dump for /status
/// must print "<redacted>" for it. The `_file`/`_env` forms only name where it lives.
bool isSecretSetting(std::string_view type, std::string_view key);

/// Builds the receiver for `config`: the type's payload, the shared queue and retries, the
/// route from `severities`/`kinds`. Settings per type: agent/notify/README.md.
/// Errors name the type and the setting (unknown ones with a did-you-mean hint), never a
/// secret's value. makeNotifier() is this function with default deps.
Result<ReceiverPtr> makeReceiver(const NotifierConfig& config, const NotifyDeps& deps = {});

}  // namespace nova::notify
