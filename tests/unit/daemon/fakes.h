#pragma once

#include <string>
#include <vector>

#include "nova/notify/notifier.h"
#include "nova/traffic/switch.h"

namespace nova::daemon::testing {

/// Records every rollback and answers with a scripted outcome (or error).
class RecordingSwitch final : public traffic::Switch {
 public:
  Result<traffic::SwitchOutcome> rollback(const traffic::RollbackRequest& request) override {
    requests.push_back(request);
    if (!error.empty()) {
      return Error(ErrorCode::kUnavailable, error);
    }
    return outcome;
  }
  Result<traffic::TrafficState> current() override { return traffic::TrafficState{}; }

  traffic::SwitchOutcome outcome{traffic::SwitchOutcome::Kind::kFlipped, "flipped by test"};
  std::string error;
  std::vector<traffic::RollbackRequest> requests;
};

/// Records every notification it is sent.
class RecordingNotifier final : public notify::Notifier {
 public:
  explicit RecordingNotifier(std::vector<notify::Notification>& sink) : sink_(sink) {}
  Status send(const notify::Notification& n) override {
    sink_.push_back(n);
    return {};
  }
  std::string name() const override { return "recording"; }

 private:
  std::vector<notify::Notification>& sink_;
};

}  // namespace nova::daemon::testing
