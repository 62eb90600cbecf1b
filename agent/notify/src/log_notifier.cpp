#include "nova/notify/log_notifier.h"

#include <spdlog/spdlog.h>

#include <cmath>

#include "text_limits.h"

namespace nova::notify {
namespace {

// Values in key="value" form keep quotes and backslashes unambiguous.
std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace

std::string formatLogLine(const Notification& n) {
  std::string line = "notification kind=" + std::string(toString(n.kind)) +
                     " severity=" + std::string(toString(n.severity)) +
                     " incident=" + (n.incidentId.empty() ? "-" : n.incidentId) +
                     " action=" + (n.action.empty() ? "-" : n.action) +
                     " reason=" + quoted(n.reason);
  for (const auto& rule : n.rules) {
    line += " rule=" + rule.name + " value=" + detail::formatValue(rule.value, "NaN") +
            " summary=" + quoted(rule.summary);
  }
  if (!n.statusUrl.empty()) {
    line += " status_url=" + n.statusUrl;
  }
  return line;
}

Status LogNotifier::send(const Notification& notification) {
  try {
    const bool urgent = notification.severity == Severity::kCritical ||
                        notification.kind == NotificationKind::kRollbackImpossible;
    spdlog::log(urgent ? spdlog::level::err : spdlog::level::warn, "{}",
                formatLogLine(notification));
  } catch (const std::exception& e) {
    return Error(ErrorCode::kInternal, std::string("log notifier: ") + e.what());
  }
  return {};
}

}  // namespace nova::notify
