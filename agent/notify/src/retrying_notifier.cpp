#include "nova/notify/retrying_notifier.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cassert>

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

RetryingNotifier::RetryingNotifier(Parts parts)
    : ownClock_(parts.clock == nullptr ? std::make_unique<SystemClock>() : nullptr),
      ownRandom_(parts.random == nullptr ? std::make_unique<SystemRandom>() : nullptr),
      parts_(std::move(parts)),
      clock_(parts_.clock != nullptr ? *parts_.clock : *ownClock_),
      wakeup_(clock_) {
  if (parts_.random == nullptr) {
    parts_.random = ownRandom_.get();
  }
  if (!parts_.ledger) {
    parts_.ledger = std::move(IncidentLedger::open("").value());
  }
  if (!parts_.outbox) {
    parts_.outbox = std::move(Outbox::open("").value());
  }
  parts_.options.maxAttempts = std::max(parts_.options.maxAttempts, 1);
  parts_.options.queueCapacity = std::max<std::size_t>(parts_.options.queueCapacity, 1);
  stats_.recovered = parts_.ledger->recoveries() + parts_.outbox->recoveries();
}

RetryingNotifier::~RetryingNotifier() {
  // Subclasses stop first; this only covers a subclass that forgot (and asserts in debug).
  assert(!worker_.joinable());
  stop();
}

void RetryingNotifier::start() {
  std::vector<std::uint64_t> pushedOut;
  std::size_t replayed = 0;
  {
    std::lock_guard lock(wakeup_.mutex());
    for (auto& entry : parts_.outbox->pending()) {
      const std::string key = coalesceKey(entry.notification);
      enqueueLocked(Delivery{{std::move(entry.notification)}, {entry.id}, false, key}, pushedOut);
      ++replayed;
    }
  }
  for (std::uint64_t id : pushedOut) {
    (void)parts_.outbox->done(id, "dropped");
  }
  if (replayed > 0) {
    spdlog::info("notifier {}: delivering {} notifications left in the outbox", parts_.name,
                 replayed);
  }
  worker_ = std::thread([this] { run(); });
}

void RetryingNotifier::beginStop() {
  {
    std::lock_guard lock(wakeup_.mutex());
    stopping_ = true;
  }
  wakeup_.notifyAll();
}

void RetryingNotifier::stop() {
  beginStop();
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

void RetryingNotifier::enqueueLocked(Delivery delivery, std::vector<std::uint64_t>& pushedOut) {
  waiting_ += delivery.notifications.size();
  bool merged = false;
  if (!delivery.coalesceKey.empty()) {
    for (auto& queued : queue_) {
      if (!queued.resend && queued.coalesceKey == delivery.coalesceKey) {
        queued.notifications.insert(queued.notifications.end(), delivery.notifications.begin(),
                                    delivery.notifications.end());
        queued.outboxIds.insert(queued.outboxIds.end(), delivery.outboxIds.begin(),
                                delivery.outboxIds.end());
        merged = true;
        break;
      }
    }
  }
  if (!merged) {
    queue_.push_back(std::move(delivery));
  }
  // Over capacity: the oldest waiting notification goes (see DeliveryOptions).
  while (waiting_ > parts_.options.queueCapacity) {
    auto oldest = std::find_if(queue_.begin(), queue_.end(), [](const Delivery& d) {
      return !d.resend && !d.notifications.empty();
    });
    if (oldest == queue_.end()) {
      break;
    }
    const Notification& n = oldest->notifications.front();
    spdlog::error("notifier {}: queue full ({} waiting), dropped the oldest: {} of incident {}",
                  parts_.name, parts_.options.queueCapacity, toString(n.kind),
                  n.incidentId.empty() ? "-" : n.incidentId);
    if (!oldest->outboxIds.empty()) {
      pushedOut.push_back(oldest->outboxIds.front());
      oldest->outboxIds.erase(oldest->outboxIds.begin());
    }
    oldest->notifications.erase(oldest->notifications.begin());
    if (oldest->notifications.empty()) {
      queue_.erase(oldest);
    }
    --waiting_;
    ++stats_.dropped;
  }
}

Status RetryingNotifier::send(const Notification& notification) {
  if (!accepts(notification)) {
    return {};
  }
  {
    std::lock_guard lock(wakeup_.mutex());
    if (stopping_) {
      ++stats_.dropped;
      return Error(ErrorCode::kUnavailable,
                   "notifier " + parts_.name + ": stopped, notification dropped");
    }
  }
  // Durable before it counts as sent; the disk write happens outside the queue's lock.
  const Outbox::Added added = parts_.outbox->add(notification, clock_.now(), clock_.monoNow());
  std::vector<std::uint64_t> pushedOut;
  {
    std::lock_guard lock(wakeup_.mutex());
    enqueueLocked(Delivery{{notification}, {added.id}, false, coalesceKey(notification)},
                  pushedOut);
  }
  wakeup_.notifyAll();
  for (std::uint64_t id : pushedOut) {
    if (Status marked = parts_.outbox->done(id, "dropped"); !marked.ok()) {
      spdlog::warn("notifier {}: {}", parts_.name, marked.error().message);
    }
  }
  if (!added.written.ok()) {
    return added.written.error().prefixed("notifier " + parts_.name +
                                          ": delivering from memory only, the outbox failed: ");
  }
  return {};
}

DeliveryStats RetryingNotifier::stats() const {
  DeliveryStats out;
  std::optional<MonoTime> next;
  {
    std::lock_guard lock(wakeup_.mutex());
    out = stats_;
    next = nextAttempt_;
  }
  const MonoTime mono = clock_.monoNow();
  out.pending = parts_.outbox->size();
  out.oldestPendingMs = parts_.outbox->oldestAge(clock_.now(), mono);
  out.nextAttemptInMs = next ? std::max<DurationMs>(*next - mono, 0) : -1;
  return out;
}

void RetryingNotifier::tick(TimestampMs now) {
  {
    std::lock_guard lock(wakeup_.mutex());
    ticks_.push_back(now);
  }
  wakeup_.notifyAll();
}

bool RetryingNotifier::flush(DurationMs timeout) {
  std::unique_lock lock(wakeup_.mutex());
  return wakeup_.waitFor(lock, std::max<DurationMs>(timeout, 0),
                         [&] { return stopping_ || (queue_.empty() && ticks_.empty() && !busy_); });
}

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

void RetryingNotifier::run() {
  const DurationMs tickEvery = parts_.options.tickInterval;
  MonoTime nextTick = clock_.monoNow() + tickEvery;
  std::unique_lock lock(wakeup_.mutex());
  auto workOrStop = [&] { return stopping_ || !queue_.empty() || !ticks_.empty(); };
  while (!stopping_) {
    const MonoTime mono = clock_.monoNow();
    if (tickEvery > 0 && mono >= nextTick) {
      ticks_.push_back(clock_.now());
      nextTick = mono + tickEvery;
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
      wakeup_.notifyAll();
      continue;
    }
    if (queue_.empty()) {
      if (tickEvery > 0) {
        wakeup_.waitUntil(lock, nextTick, workOrStop);
      } else {
        wakeup_.wait(lock, workOrStop);
      }
      continue;
    }
    if (parts_.options.minInterval > 0 && lastPost_ &&
        mono < *lastPost_ + parts_.options.minInterval) {
      // Pacing: the front delivery stays queued, so updates arriving now coalesce into it.
      nextAttempt_ = *lastPost_ + parts_.options.minInterval;
      wakeup_.waitUntil(lock, *nextAttempt_, [&] { return stopping_; });
      nextAttempt_.reset();
      continue;
    }
    Delivery delivery = std::move(queue_.front());
    queue_.pop_front();
    if (!delivery.resend) {
      waiting_ -= delivery.notifications.size();
    }
    busy_ = true;
    lock.unlock();
    deliver(std::move(delivery));
    lock.lock();
    busy_ = false;
    wakeup_.notifyAll();
  }
  // What is still queued stays in a durable outbox for the next start; in memory it is lost.
  if (parts_.outbox->durable()) {
    if (waiting_ > 0) {
      spdlog::info("notifier {}: {} notifications left in the outbox for the next start",
                   parts_.name, waiting_);
    }
  } else {
    stats_.dropped += waiting_;
    for (const auto& delivery : queue_) {
      for (std::uint64_t id : delivery.outboxIds) {
        (void)parts_.outbox->done(id, "dropped");
      }
    }
  }
  queue_.clear();
  waiting_ = 0;
  wakeup_.notifyAll();
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
