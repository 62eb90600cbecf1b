// Escalator::shiftTimes: re-anchoring a restored state whose times lie in the future.

#include "escalator_impl.h"

namespace nova::policy {
namespace {

void shift(TimestampMs& t, DurationMs delta) {
  t += delta;
}

void shift(std::optional<TimestampMs>& t, DurationMs delta) {
  if (t) {
    *t += delta;
  }
}

}  // namespace

TimestampMs Escalator::latestTime() const {
  return impl_->lastNow.value_or(impl_->switchedAt);
}

void Escalator::shiftTimes(DurationMs delta) {
  Impl& s = *impl_;
  shift(s.switchedAt, delta);
  shift(s.lastNow, delta);
  shift(s.lastResolvedAt, delta);
  for (detail::RuleTrack& track : s.rules) {
    shift(track.since, delta);
  }
  if (s.hold) {
    shift(s.hold->hold.since, delta);
    shift(s.hold->hold.until, delta);
  }
  if (s.incident) {
    shift(s.incident->startedAt, delta);
    shift(s.incident->clearSince, delta);
    shift(s.incident->rollbackAt, delta);
    for (detail::Level& level : s.incident->levels) {
      shift(level.engagedAt, delta);
    }
  }
}

}  // namespace nova::policy
