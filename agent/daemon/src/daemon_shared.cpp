#include "daemon_shared.h"

namespace nova::daemon::detail {

std::optional<CommandReply> Inbox::submit(Command command, DurationMs timeout) {
  auto slot = std::make_shared<ReplySlot>();
  {
    std::lock_guard lock(wakeup_.mutex());
    commands_.push_back({std::move(command), slot});
  }
  wake_();
  std::unique_lock lock(wakeup_.mutex());
  if (!wakeup_.waitFor(lock, timeout, [&] { return slot->reply.has_value(); })) {
    return std::nullopt;
  }
  return std::move(slot->reply);
}

void Inbox::answer(const Pending& pending, CommandReply reply) {
  {
    std::lock_guard lock(wakeup_.mutex());
    pending.slot->reply = std::move(reply);
  }
  wakeup_.notifyAll();
}

void Inbox::report(RollbackReport report) {
  {
    std::lock_guard lock(wakeup_.mutex());
    reports_.push_back(std::move(report));
  }
  wake_();
}

std::vector<Inbox::Pending> Inbox::takeCommands() {
  std::lock_guard lock(wakeup_.mutex());
  return std::exchange(commands_, {});
}

std::vector<RollbackReport> Inbox::takeReports() {
  std::lock_guard lock(wakeup_.mutex());
  return std::exchange(reports_, {});
}

void Published::setStatus(std::string status) {
  std::lock_guard lock(mutex_);
  status_ = std::move(status);
}

std::string Published::status() const {
  std::lock_guard lock(mutex_);
  return status_;
}

}  // namespace nova::daemon::detail
