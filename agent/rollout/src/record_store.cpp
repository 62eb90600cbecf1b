#include "nova/rollout/record_store.h"

#include <spdlog/spdlog.h>

namespace nova::rollout {

RecordStore::~RecordStore() {
  {
    std::lock_guard lock(renewWake_.mutex());
    stopRenewing_ = true;
  }
  renewWake_.notifyAll();
  if (renewer_.joinable()) {
    renewer_.join();
  }
}

Status RecordStore::acquire(const LeaseRequest& request, StopSource& stop) {
  std::optional<LeaseObservation> seen;
  for (;;) {
    std::unique_lock lock(mutex_);
    auto read = object_.read();
    if (!read.ok()) {
      return read.error();
    }
    seen = observeLease(seen, read->lease, clock_.monoNow());
    const LeaseDecision decision = decideLease(*seen, read->record, request, clock_.monoNow());
    switch (decision.kind) {
      case LeaseDecision::Kind::kRefuse:
        return Error(decision.code, decision.message);
      case LeaseDecision::Kind::kRenew:
      case LeaseDecision::Kind::kAcquire: {
        Lease next = decision.kind == LeaseDecision::Kind::kRenew
                         ? renewLease(*read->lease, clock_.now())
                         : acquireLease(request, read->lease, clock_.now());
        auto patch = leasePatch(read->object, next);
        if (!patch.ok()) {
          return patch.error();
        }
        Status applied = object_.apply(*read, *patch);
        if (!applied.ok() && applied.error().code == ErrorCode::kConflict) {
          continue;  // someone wrote meanwhile: judge again
        }
        if (!applied.ok()) {
          return applied.error();
        }
        held_ = next;
        resume_ = decision.resume || (read->record && read->record->rolloutId == request.rolloutId);
        return {};
      }
      case LeaseDecision::Kind::kWait:
        break;
    }
    lock.unlock();
    spdlog::info("rollout: {}", decision.message);
    const DurationMs wait = std::max<DurationMs>(decision.waitUntil - clock_.monoNow(), 1);
    if (stop.waitFor(wait)) {
      return Error(ErrorCode::kUnavailable, "stopped while waiting for the lease");
    }
  }
}

Status RecordStore::renewLocked() {
  auto read = object_.read();
  if (!read.ok()) {
    return read.error();
  }
  if (!held_ || read->lease != held_) {
    lost_ = true;
    return Error(
        ErrorCode::kConflict,
        "the lease was taken: " + (read->lease ? "now held by rollout " + read->lease->holder +
                                                     " (" + read->lease->who + ")"
                                               : std::string("no lease left")));
  }
  Lease next = renewLease(*held_, clock_.now());
  auto patch = leasePatch(read->object, next);
  if (!patch.ok()) {
    return patch.error();
  }
  if (Status s = object_.apply(*read, *patch); !s.ok()) {
    return s;
  }
  held_ = next;
  return {};
}

void RecordStore::startRenewing() {
  renewer_ = std::thread([this] {
    for (;;) {
      DurationMs interval = 0;
      {
        std::lock_guard lock(mutex_);
        if (!held_) {
          return;
        }
        interval = renewInterval(*held_);
      }
      {
        std::unique_lock lock(renewWake_.mutex());
        if (renewWake_.waitFor(lock, interval, [this] { return stopRenewing_; })) {
          return;
        }
      }
      std::lock_guard lock(mutex_);
      if (!held_ || lost_) {
        return;
      }
      if (Status s = renewLocked(); !s.ok()) {
        spdlog::warn("rollout: lease renewal failed: {}", s.error().message);
      }
    }
  });
}

bool RecordStore::lost() {
  std::lock_guard lock(mutex_);
  return lost_;
}

Result<TrafficRead> RecordStore::read() {
  std::lock_guard lock(mutex_);
  return object_.read();
}

Status RecordStore::write(const Record& next) {
  std::lock_guard lock(mutex_);
  for (int attempt = 0;; ++attempt) {
    auto read = object_.read();
    if (!read.ok()) {
      return read.error();
    }
    auto patch = recordPatch(read->object, next, *held_);
    if (!patch.ok()) {
      if (patch.error().code == ErrorCode::kConflict) {
        lost_ = true;
      }
      return patch.error();
    }
    Status applied = object_.apply(*read, *patch);
    if (applied.ok() || applied.error().code != ErrorCode::kConflict || attempt >= 2) {
      return applied;
    }
  }
}

Result<std::string> RecordStore::switchToGreen(const Record& next) {
  std::lock_guard lock(mutex_);
  auto read = object_.read();
  if (!read.ok()) {
    return read.error();
  }
  return object_.switchToGreen(*read, next, *held_);
}

void RecordStore::release() {
  {
    std::lock_guard lock(renewWake_.mutex());
    stopRenewing_ = true;
  }
  renewWake_.notifyAll();
  if (renewer_.joinable()) {
    renewer_.join();
  }
  std::lock_guard lock(mutex_);
  if (!held_) {
    return;
  }
  auto read = object_.read();
  if (read.ok()) {
    if (auto patch = releasePatch(read->object, *held_); patch.ok()) {
      if (Status s = object_.apply(*read, *patch); !s.ok()) {
        spdlog::warn("rollout: lease not released: {}", s.error().message);
      }
    }
  }
  held_.reset();
}

}  // namespace nova::rollout
