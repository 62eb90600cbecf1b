// The controller's side of leader election: who acts among several agents beside one green.
#include <spdlog/spdlog.h>

#include "nova/daemon/controller.h"
#include "nova/watch/policy_setup.h"

namespace nova::daemon {

void Controller::followLeadership() {
  if (!options_.leading) {
    return;
  }
  const bool leading = options_.leading();
  if (leading == leading_) {
    return;
  }
  leading_ = leading;
  const auto incident = watcher_.escalator().incident();
  const std::string id = incident ? incident->id : "-";
  if (!leading) {
    // Never two actors: what this agent queued while it led is not carried out now.
    const std::size_t dropped = queue_.clear();
    spdlog::warn("leadership lost: shadow from now (incident {}); {} queued actions dropped", id,
                 dropped);
    return;
  }
  if (!armed_) {
    spdlog::info("leadership acquired: not armed, nothing to guard yet");
    return;
  }
  const bool rollingBack = incident && incident->state == policy::IncidentState::kRollingBack;
  if (rollingBack) {
    // Decided while following (or by the old leader, whose flip may have landed): a new
    // watcher over the same state resumes it at the next tick; the switch's compare-and-
    // swap answers "already on blue" when the flip is done, so traffic moves at most once.
    auto resumed = watch::makeEscalator(watcher_.ruleSet(), watcher_.escalator().config(),
                                        watcher_.escalator().trafficSwitchedAt(),
                                        watcher_.escalator().snapshot());
    if (resumed.ok()) {
      rules::RuleSet rules = watcher_.ruleSet();
      watcher_ = watch::Watcher(std::move(rules), std::move(resumed).value(), options_.watch);
    } else {
      spdlog::error("leadership acquired: the decided rollback cannot be resumed: {}",
                    resumed.error().message);
    }
  }
  spdlog::warn("leadership acquired: acting for rollout {} from now, continuing incident {}{}",
               armed_->rolloutId.empty() ? "(no record)" : armed_->rolloutId, id,
               rollingBack ? " (its decided rollback is carried out)" : "");
}

}  // namespace nova::daemon
