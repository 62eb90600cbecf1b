// The Controller's side of the dashboard: what it knows, as the dashboard's plain views.
#include "nova/daemon/controller.h"

namespace nova::daemon {
namespace {

// People's commands kept for the dashboard; the document shows the newest 20.
constexpr std::size_t kRecentCommands = 50;

std::string_view commandName(Command::Kind kind) {
  switch (kind) {
    case Command::Kind::kHold:
      return "hold";
    case Command::Kind::kRelease:
      return "release";
    case Command::Kind::kRollback:
      return "rollback";
  }
  return "?";
}

// Traffic is on blue once a rollback flipped it or found it there; until then on green.
std::string backendOf(const std::optional<watch::RollbackState>& rollback) {
  if (rollback && (rollback->outcome == "flipped" || rollback->outcome == "already_blue")) {
    return "blue";
  }
  return "green";
}

}  // namespace

void Controller::recordCommand(const Command& command, bool accepted, std::string detail) {
  commands_.push_back({agentTime_.now(), command.who, std::string(commandName(command.kind)),
                       accepted, std::move(detail)});
  if (commands_.size() > kRecentCommands) {
    commands_.pop_front();
  }
}

dashboard::DocumentInputs Controller::dashboardInputs(TimestampMs now) const {
  const policy::Escalator& escalator = watcher_.escalator();
  dashboard::DocumentInputs in;
  in.now = now;
  in.timeline.assign(recentEvents_.begin(), recentEvents_.end());
  in.rules = dashboard::ruleViews(watcher_.ruleSet(), lastResults_, in.timeline);
  in.incident = escalator.incident();
  in.hold = escalator.activeHold();
  if (in.incident) {
    in.nextStep = dashboard::nextStep(escalator.config(), *in.incident, in.timeline, in.hold,
                                      escalator.rollbackWindowEndsAt(), now);
  }
  in.traffic.backend = backendOf(watcher_.rollback());
  in.traffic.switchedAt = escalator.trafficSwitchedAt();
  in.commands.assign(commands_.begin(), commands_.end());
  in.markers = dashboard::markersFrom(in.timeline, in.traffic.switchedAt);
  return in;
}

}  // namespace nova::daemon
