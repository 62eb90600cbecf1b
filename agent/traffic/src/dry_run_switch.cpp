#include "nova/traffic/dry_run_switch.h"

#include <spdlog/spdlog.h>

namespace nova::traffic {

DryRunSwitch::DryRunSwitch(std::string target) : target_(std::move(target)) {}

Result<SwitchOutcome> DryRunSwitch::rollback(const RollbackRequest& request) {
  std::lock_guard lock(mutex_);
  requests_.push_back(request);
  if (onBlue_) {
    return SwitchOutcome{SwitchOutcome::Kind::kAlreadyBlue,
                         "dry-run: " + target_ + " already points at blue; nothing to do"};
  }
  onBlue_ = true;
  std::string action = "dry-run: would switch " + target_ + " from green to blue (incident " +
                       request.incidentId + ", by " + request.who + ": " + request.reason + ")";
  spdlog::warn("{}", action);
  return SwitchOutcome{SwitchOutcome::Kind::kFlipped, action};
}

Result<TrafficState> DryRunSwitch::current() {
  std::lock_guard lock(mutex_);
  if (onBlue_) {
    return TrafficState{TrafficState::Backend::kBlue, "dry-run: " + target_ + " on blue"};
  }
  return TrafficState{TrafficState::Backend::kGreen, "dry-run: " + target_ + " on green"};
}

std::vector<RollbackRequest> DryRunSwitch::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

}  // namespace nova::traffic
