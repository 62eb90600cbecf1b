#pragma once

#include "nova/traffic/switch.h"

namespace nova::watch {

/// A switch that fails its first `failures` rollbacks with a transient error (kUnavailable)
/// and then hands every call to the switch it wraps: how a scenario shows the watcher's
/// rollback retries. Not thread-safe.
class FailingSwitch final : public traffic::Switch {
 public:
  /// `inner` must outlive the wrapper.
  FailingSwitch(traffic::Switch& inner, int failures) : inner_(inner), failures_(failures) {}

  Result<traffic::SwitchOutcome> rollback(const traffic::RollbackRequest& request) override {
    if (failed_ < failures_) {
      ++failed_;
      return Error(ErrorCode::kUnavailable, "dry-run: simulated failure " +
                                                std::to_string(failed_) + " of " +
                                                std::to_string(failures_));
    }
    return inner_.rollback(request);
  }
  Result<traffic::TrafficState> current() override { return inner_.current(); }

 private:
  traffic::Switch& inner_;
  int failures_;
  int failed_ = 0;
};

}  // namespace nova::watch
