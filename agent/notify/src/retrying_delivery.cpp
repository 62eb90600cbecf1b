// The delivery thread's side of RetryingNotifier: one delivery's attempts, their waits,
// the classification of an answer, and the bookkeeping after it.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "nova/notify/retrying_notifier.h"

namespace nova::notify {
namespace {

// The answer's excerpt kept in a log line.
constexpr std::size_t kExcerptBytes = 200;

std::string describe(const Delivery& delivery) {
  if (delivery.notifications.empty()) {
    return "an empty delivery";
  }
  const Notification& n = delivery.notifications.back();
  std::string what = delivery.resend ? "re-send of " : "";
  what +=
      std::string(toString(n.kind)) + " of incident " + (n.incidentId.empty() ? "-" : n.incidentId);
  if (delivery.notifications.size() > 1) {
    what += " (+" + std::to_string(delivery.notifications.size() - 1) + " coalesced)";
  }
  return what;
}

// `text` (already redacted) cut for a log line, on one line.
std::string excerpt(std::string text) {
  const bool cut = text.size() > kExcerptBytes;
  text.resize(std::min(text.size(), kExcerptBytes));
  std::replace(text.begin(), text.end(), '\n', ' ');
  return cut ? text + "..." : text;
}

}  // namespace

void RetryingNotifier::count(std::uint64_t DeliveryStats::*counter, std::uint64_t n) {
  std::lock_guard lock(wakeup_.mutex());
  stats_.*counter += n;
}

std::string RetryingNotifier::redacted(std::string text) const {
  return redact(std::move(text), parts_.secrets);
}

void RetryingNotifier::finish(const Delivery& delivery, std::string_view outcome) {
  for (std::uint64_t id : delivery.outboxIds) {
    if (Status marked = parts_.outbox->done(id, outcome); !marked.ok()) {
      spdlog::warn("notifier {}: {}", parts_.name, marked.error().message);
    }
  }
}

void RetryingNotifier::deliver(Delivery delivery) {
  if (!delivery.resend) {
    Delivery skipped;
    for (std::size_t i = delivery.notifications.size(); i-- > 0;) {
      const Notification& n = delivery.notifications[i];
      if (!n.incidentId.empty() && parts_.ledger->delivered(n)) {
        if (i < delivery.outboxIds.size()) {
          skipped.outboxIds.push_back(delivery.outboxIds[i]);
          delivery.outboxIds.erase(delivery.outboxIds.begin() + static_cast<std::ptrdiff_t>(i));
        }
        delivery.notifications.erase(delivery.notifications.begin() +
                                     static_cast<std::ptrdiff_t>(i));
      }
    }
    if (delivery.notifications.empty()) {
      count(&DeliveryStats::skipped);
      finish(skipped, "skipped");
      return;
    }
    finish(skipped, "skipped");
  }
  const std::string what = describe(delivery);
  for (int attempt = 1;; ++attempt) {
    Attempt result;
    try {
      result = post(delivery);
    } catch (const std::exception& e) {
      result = {Attempt::Outcome::kFailed, std::string("internal error: ") + e.what(), {}};
    }
    const std::string detail = redacted(result.detail);
    switch (result.outcome) {
      case Attempt::Outcome::kDelivered:
        count(&DeliveryStats::sent);
        if (!delivery.resend) {
          // The ledger first: once it is written, a replay of the outbox skips these.
          for (const auto& n : delivery.notifications) {
            if (auto recorded = n.incidentId.empty() ? Status{} : parts_.ledger->record(n);
                !recorded.ok()) {
              spdlog::warn("notifier {}: {}", parts_.name, redacted(recorded.error().message));
            }
          }
        }
        spdlog::debug("notifier {}: delivered {}", parts_.name, what);
        finish(delivery, "delivered");
        return;
      case Attempt::Outcome::kSkipped:
        count(&DeliveryStats::skipped);
        finish(delivery, "skipped");
        return;
      case Attempt::Outcome::kFailed:
        count(&DeliveryStats::dropped, delivery.resend ? 1 : delivery.notifications.size());
        spdlog::error("notifier {}: dropped {}: refused: {}", parts_.name, what, detail);
        finish(delivery, "refused");
        return;
      case Attempt::Outcome::kRetry:
        break;
    }
    if (attempt >= parts_.options.maxAttempts) {
      count(&DeliveryStats::dropped, delivery.resend ? 1 : delivery.notifications.size());
      spdlog::error("notifier {}: dropped {} after {} attempts: {}", parts_.name, what, attempt,
                    detail);
      finish(delivery, "dropped");
      return;
    }
    const DurationMs delay = result.retryAfter
                                 ? std::min(*result.retryAfter, parts_.options.maxRetryAfter)
                                 : parts_.options.backoff.delay(attempt, parts_.random->uniform());
    count(&DeliveryStats::retried);
    spdlog::warn("notifier {}: attempt {} of {} failed: {}; retrying in {}", parts_.name, attempt,
                 what, detail, formatDuration(delay));
    if (!waitUntil(clock_.monoNow() + delay)) {
      if (parts_.outbox->durable() && !delivery.resend) {
        spdlog::info("notifier {}: stopping; {} stays in the outbox for the next start",
                     parts_.name, what);
      } else {
        count(&DeliveryStats::dropped, delivery.resend ? 1 : delivery.notifications.size());
        spdlog::error("notifier {}: dropped {}: stopping", parts_.name, what);
        finish(delivery, "dropped");
      }
      return;
    }
  }
}

bool RetryingNotifier::waitUntil(MonoTime deadline) {
  std::unique_lock lock(wakeup_.mutex());
  nextAttempt_ = deadline;
  const bool stopped = wakeup_.waitUntil(lock, deadline, [&] { return stopping_; });
  nextAttempt_.reset();
  return !stopped;
}

Attempt RetryingNotifier::postJson(const JsonPost& post) {
  http::Request request;
  request.method = "POST";
  request.url = post.url;
  request.headers = {{"Content-Type", "application/json"}};
  request.headers.insert(request.headers.end(), post.headers.begin(), post.headers.end());
  request.body = post.body;
  request.timeout = parts_.options.requestTimeout;
  request.connectTimeout = std::min<DurationMs>(parts_.options.requestTimeout, 2 * kSecond);
  request.maxBodyBytes = 64 * 1024;
  auto response = client_.perform(request);
  {
    std::lock_guard lock(wakeup_.mutex());
    lastPost_ = clock_.monoNow();
  }
  if (!response.ok()) {
    // Timeouts and transport failures may pass; a bad URL or a huge answer will not.
    const auto outcome =
        retryable(response.error().code) ? Attempt::Outcome::kRetry : Attempt::Outcome::kFailed;
    return {outcome, redacted(response.error().message), {}};
  }
  const long status = response->status;
  const bool delivered = post.expectStatus != 0 ? status == post.expectStatus : status / 100 == 2;
  // Redact the whole answer before cutting it, so no piece of a secret survives the cut.
  std::string detail = "HTTP " + std::to_string(status);
  if (!response->body.empty()) {
    detail += ": " + excerpt(redacted(response->body));
  }
  if (delivered) {
    return {Attempt::Outcome::kDelivered, detail, {}};
  }
  if (status == 429) {
    const std::string* header = response->header("Retry-After");
    auto wait = header != nullptr ? parseRetryAfter(*header, now()) : std::nullopt;
    return {Attempt::Outcome::kRetry, detail, wait.value_or(kSecond)};
  }
  if (status >= 500 || status == 408) {
    return {Attempt::Outcome::kRetry, detail, {}};
  }
  return {Attempt::Outcome::kFailed, detail, {}};
}

}  // namespace nova::notify
