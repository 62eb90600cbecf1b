// RetryingNotifier's queue side: construction and replay, send() into the outbox and the
// bounded queue, the counters, and the delivery thread's loop (ticks, pacing, hand-off).
#include "nova/notify/retrying_notifier.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cassert>

namespace nova::notify {

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

}  // namespace nova::notify
