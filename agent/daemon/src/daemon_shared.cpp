#include "daemon_shared.h"

#include <chrono>

namespace nova::daemon::detail {

std::future<CommandReply> Inbox::submit(Command command) {
  std::future<CommandReply> future;
  {
    std::lock_guard lock(mutex_);
    commands_.push_back({std::move(command), {}});
    future = commands_.back().reply.get_future();
  }
  wake_();
  return future;
}

void Inbox::report(RollbackReport report) {
  {
    std::lock_guard lock(mutex_);
    reports_.push_back(std::move(report));
  }
  wake_();
}

std::vector<Inbox::Pending> Inbox::takeCommands() {
  std::lock_guard lock(mutex_);
  return std::exchange(commands_, {});
}

std::vector<RollbackReport> Inbox::takeReports() {
  std::lock_guard lock(mutex_);
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

std::int64_t steadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

bool constantTimeEquals(std::string_view a, std::string_view b) {
  // The length is not secret enough to hide, but every byte of the longer one is read.
  const std::size_t n = std::max(a.size(), b.size());
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    const unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff = static_cast<unsigned char>(diff | (x ^ y));
  }
  return diff == 0;
}

}  // namespace nova::daemon::detail
