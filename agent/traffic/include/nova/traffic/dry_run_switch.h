#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "nova/traffic/switch.h"

namespace nova::traffic {

/// A switch that changes nothing: it logs the exact action a real switch would take and
/// records it. The first rollback reports kFlipped and moves its notional state to blue;
/// later ones report kAlreadyBlue, as a real switch would. Thread-safe.
class DryRunSwitch final : public Switch {
 public:
  /// `target` names what a real switch would patch, for the log line ("ingress nova/user").
  explicit DryRunSwitch(std::string target = "traffic");

  Result<SwitchOutcome> rollback(const RollbackRequest& request) override;
  Result<TrafficState> current() override;

  /// Every request received so far, in order.
  std::vector<RollbackRequest> requests() const;

 private:
  std::string target_;
  mutable std::mutex mutex_;
  bool onBlue_ = false;
  std::vector<RollbackRequest> requests_;
};

}  // namespace nova::traffic
