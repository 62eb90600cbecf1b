#include "record_watcher.h"

#include <mutex>

#include "nova/rollout/phase.h"

namespace nova::daemon::detail {
namespace {

using rollout::Phase;

// Past the switch and not ended on blue: the phases in which green may serve users.
bool afterSwitch(Phase phase) {
  return !rollout::isBeforeSwitch(phase) && phase != Phase::kRolledBack &&
         phase != Phase::kFailedBeforeSwitch;
}

}  // namespace

RolloutSighting sightingOf(const Result<rollout::TrafficRead>& read) {
  RolloutSighting s;
  if (!read.ok()) {
    s.readOk = false;
    s.detail = read.error().message;
    return s;
  }
  s.detail = "traffic on " + std::string(rollout::trafficSideName(read->side)) +
             (read->detail.empty() ? "" : " (" + read->detail + ")");
  if (const auto& record = read->record) {
    s.rolloutId = record->rolloutId;
    s.version = record->version;
    s.phase = std::string(rollout::phaseName(record->phase));
    s.switchedAt = record->switchedAt;
    s.greenLive = record->switchedAt.has_value() && afterSwitch(record->phase) &&
                  read->side == rollout::TrafficSide::kGreen;
  } else if (read->lease) {
    s.rolloutId = read->lease->holder;
  }
  return s;
}

Result<std::unique_ptr<RecordWatcher>> RecordWatcher::make(const traffic::SwitchConfig& config,
                                                           DurationMs interval,
                                                           const Clock& clock) {
  std::unique_ptr<RecordWatcher> watcher(new RecordWatcher(interval, clock));
  rollout::SwitchSpec spec;
  spec.type = config.type;
  spec.settings = config.settings;
  // Blue's Deployment is never touched here: only read() of the object is used.
  auto object = rollout::makeTrafficObject(spec, rollout::BlueSpec{}, clock, watcher->random_);
  if (!object.ok()) {
    return object.error();
  }
  watcher->object_ = std::move(object).value();
  return watcher;
}

RecordWatcher::~RecordWatcher() {
  {
    std::lock_guard lock(wakeup_.mutex());
    stop_ = true;
  }
  wakeup_.notifyAll();
  if (thread_.joinable()) {
    thread_.join();
  }
}

RolloutSighting RecordWatcher::readNow() {
  return sightingOf(object_->read());
}

void RecordWatcher::start(std::function<void()> wake) {
  wake_ = std::move(wake);
  thread_ = std::thread([this] { run(); });
}

std::optional<RolloutSighting> RecordWatcher::take() {
  std::lock_guard lock(wakeup_.mutex());
  return std::exchange(latest_, std::nullopt);
}

void RecordWatcher::run() {
  while (true) {
    {
      std::unique_lock lock(wakeup_.mutex());
      if (wakeup_.waitFor(lock, interval_, [this] { return stop_; })) {
        return;
      }
    }
    RolloutSighting sighting = sightingOf(object_->read());
    {
      std::lock_guard lock(wakeup_.mutex());
      latest_ = std::move(sighting);
    }
    wake_();
  }
}

}  // namespace nova::daemon::detail
