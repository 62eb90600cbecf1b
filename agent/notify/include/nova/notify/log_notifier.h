#pragma once

#include <string>

#include "nova/notify/notifier.h"

namespace nova::notify {

/// Writes each notification as one structured log line through spdlog's default logger:
/// `notification kind=... severity=... incident=... action=... reason="..." rules=...`.
/// Critical severity and rollback_impossible log at error level, the rest at warn.
class LogNotifier final : public Notifier {
 public:
  Status send(const Notification& notification) override;
  std::string name() const override { return "log"; }
};

/// The line LogNotifier writes, without the logger's prefix. Pure.
std::string formatLogLine(const Notification& notification);

}  // namespace nova::notify
