#include "nova/notify/retrying_notifier.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cassert>

namespace nova::notify {
namespace {

using Steady = std::chrono::steady_clock;

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

std::string excerpt(const std::string& body) {
  constexpr std::size_t kMax = 200;
  std::string out = body.substr(0, kMax);
  std::replace(out.begin(), out.end(), '\n', ' ');
  return body.size() > kMax ? out + "..." : out;
}

}  // namespace

RetryingNotifier::RetryingNotifier(Parts parts) : parts_(std::move(parts)) {
  if (parts_.random == nullptr) {
    ownRandom_ = std::make_unique<SystemRandom>();
    parts_.random = ownRandom_.get();
  }
  if (parts_.clock == nullptr) {
    ownClock_ = std::make_unique<SystemClock>();
    parts_.clock = ownClock_.get();
  }
  if (!parts_.ledger) {
    parts_.ledger = std::move(IncidentLedger::open("").value());
  }
  parts_.options.maxAttempts = std::max(parts_.options.maxAttempts, 1);
}

RetryingNotifier::~RetryingNotifier() {
  // Subclasses stop first; this only covers a subclass that forgot (and asserts in debug).
  assert(!worker_.joinable());
  stop();
}

void RetryingNotifier::start() {
  worker_ = std::thread([this] { run(); });
}

void RetryingNotifier::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable()) {
    worker_.join();
  }
}

bool RetryingNotifier::accepts(const Notification& notification) const {
  return parts_.route.accepts(notification);
}

std::string RetryingNotifier::coalesceKey(const Notification&) const {
  return {};
}

std::vector<Delivery> RetryingNotifier::periodic(TimestampMs) {
  return {};
}

Status RetryingNotifier::send(const Notification& notification) {
  if (!accepts(notification)) {
    return {};
  }
  const std::string key = coalesceKey(notification);
  std::size_t depth = 0;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) {
      ++stats_.dropped;
      return Error{"notifier " + parts_.name + ": stopped, notification dropped"};
    }
    if (!key.empty()) {
      for (auto& waiting : queue_) {
        if (!waiting.resend && waiting.coalesceKey == key) {
          waiting.notifications.push_back(notification);
          return {};
        }
      }
    }
    depth = queue_.size();
    if (depth < parts_.options.queueCapacity) {
      queue_.push_back(Delivery{{notification}, false, key});
    } else {
      ++stats_.dropped;
    }
  }
  if (depth >= parts_.options.queueCapacity) {
    return Error{"notifier " + parts_.name + ": queue full (" + std::to_string(depth) +
                 " waiting), notification dropped"};
  }
  wake_.notify_all();
  return {};
}

DeliveryStats RetryingNotifier::stats() const {
  std::lock_guard lock(mutex_);
  DeliveryStats out = stats_;
  out.queued = queue_.size();
  return out;
}

void RetryingNotifier::tick(TimestampMs now) {
  {
    std::lock_guard lock(mutex_);
    ticks_.push_back(now);
  }
  wake_.notify_all();
}

bool RetryingNotifier::flush(DurationMs timeout) {
  std::unique_lock lock(mutex_);
  return idle_.wait_for(lock, std::chrono::milliseconds(timeout),
                        [&] { return stopping_ || (queue_.empty() && ticks_.empty() && !busy_); });
}

void RetryingNotifier::count(std::uint64_t DeliveryStats::*counter) {
  std::lock_guard lock(mutex_);
  ++(stats_.*counter);
}

TimestampMs RetryingNotifier::now() const {
  return parts_.clock->now();
}

std::string RetryingNotifier::redacted(std::string text) const {
  return redact(std::move(text), parts_.secrets);
}

void RetryingNotifier::run() {
  const auto tickEvery = std::chrono::milliseconds(parts_.options.tickInterval);
  auto nextTick = Steady::now() + tickEvery;
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (parts_.options.tickInterval > 0 && Steady::now() >= nextTick) {
      ticks_.push_back(now());
      nextTick = Steady::now() + tickEvery;
    }
    if (!ticks_.empty()) {
      const TimestampMs at = ticks_.front();
      ticks_.pop_front();
      busy_ = true;
      lock.unlock();
      auto due = periodic(at);
      lock.lock();
      busy_ = false;
      // Re-sends go first: they keep existing alerts alive, and there are few of them.
      for (auto it = due.rbegin(); it != due.rend(); ++it) {
        queue_.push_front(std::move(*it));
      }
      idle_.notify_all();
      continue;
    }
    if (queue_.empty()) {
      if (parts_.options.tickInterval > 0) {
        wake_.wait_until(lock, nextTick);
      } else {
        wake_.wait(lock);
      }
      continue;
    }
    const auto ready = lastPost_ + std::chrono::milliseconds(parts_.options.minInterval);
    if (parts_.options.minInterval > 0 && Steady::now() < ready) {
      // Pacing: the front delivery stays queued, so updates arriving now coalesce into it.
      wake_.wait_until(lock, ready, [&] { return stopping_; });
      continue;
    }
    Delivery delivery = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    deliver(std::move(delivery));
    lock.lock();
    busy_ = false;
    idle_.notify_all();
  }
  stats_.dropped += queue_.size();
  queue_.clear();
  idle_.notify_all();
}

void RetryingNotifier::deliver(Delivery delivery) {
  if (!delivery.resend) {
    std::erase_if(delivery.notifications, [&](const Notification& n) {
      return !n.incidentId.empty() && parts_.ledger->delivered(n);
    });
    if (delivery.notifications.empty()) {
      count(&DeliveryStats::skipped);
      return;
    }
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
          for (const auto& n : delivery.notifications) {
            if (auto recorded = n.incidentId.empty() ? Status{} : parts_.ledger->record(n);
                !recorded.ok()) {
              spdlog::warn("notifier {}: {}", parts_.name, redacted(recorded.error().message));
            }
          }
        }
        spdlog::debug("notifier {}: delivered {}", parts_.name, what);
        return;
      case Attempt::Outcome::kSkipped:
        count(&DeliveryStats::skipped);
        return;
      case Attempt::Outcome::kFailed:
        count(&DeliveryStats::dropped);
        spdlog::error("notifier {}: dropped {}: refused: {}", parts_.name, what, detail);
        return;
      case Attempt::Outcome::kRetry:
        break;
    }
    if (attempt >= parts_.options.maxAttempts) {
      count(&DeliveryStats::dropped);
      spdlog::error("notifier {}: dropped {} after {} attempts: {}", parts_.name, what, attempt,
                    detail);
      return;
    }
    const DurationMs delay = result.retryAfter
                                 ? std::min(*result.retryAfter, parts_.options.maxRetryAfter)
                                 : backoffDelay(attempt, parts_.options, parts_.random->uniform());
    count(&DeliveryStats::retried);
    spdlog::warn("notifier {}: attempt {} of {} failed: {}; retrying in {}", parts_.name, attempt,
                 what, detail, formatDuration(delay));
    if (!waitFor(delay)) {
      count(&DeliveryStats::dropped);
      spdlog::error("notifier {}: dropped {}: stopping", parts_.name, what);
      return;
    }
  }
}

bool RetryingNotifier::waitFor(DurationMs delay) {
  std::unique_lock lock(mutex_);
  return !wake_.wait_for(lock, std::chrono::milliseconds(delay), [&] { return stopping_; });
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
    std::lock_guard lock(mutex_);
    lastPost_ = Steady::now();
  }
  if (!response.ok()) {
    return {Attempt::Outcome::kRetry, redacted(response.error().message), {}};
  }
  const long status = response->status;
  const bool delivered = post.expectStatus != 0 ? status == post.expectStatus : status / 100 == 2;
  std::string detail = "HTTP " + std::to_string(status);
  if (!response->body.empty()) {
    detail += ": " + excerpt(response->body);
  }
  detail = redacted(std::move(detail));
  if (delivered) {
    return {Attempt::Outcome::kDelivered, detail, {}};
  }
  if (status == 429) {
    const std::string* header = response->header("Retry-After");
    auto wait = header != nullptr ? parseRetryAfter(*header) : std::nullopt;
    return {Attempt::Outcome::kRetry, detail, wait.value_or(kSecond)};
  }
  if (status >= 500 || status == 408) {
    return {Attempt::Outcome::kRetry, detail, {}};
  }
  return {Attempt::Outcome::kFailed, detail, {}};
}

}  // namespace nova::notify
