#include "timeline.h"

#include <cstdio>
#include <sstream>

namespace nova::cli {

std::string formatTimeline(const watch::ScenarioReport& report) {
  std::ostringstream out;
  char line[512];
  for (const watch::TickRecord& tick : report.ticks) {
    for (const policy::TimelineEvent& event : tick.decision.events) {
      std::snprintf(line, sizeof line, "%8s  %-20s %-26s %s\n", formatDuration(event.at).c_str(),
                    std::string(policy::toString(event.kind)).c_str(), event.rule.c_str(),
                    event.detail.c_str());
      out << line;
    }
    if (tick.decision.action != policy::Action::kNone) {
      std::snprintf(line, sizeof line, "%8s  => %s: %s\n", formatDuration(tick.at).c_str(),
                    std::string(policy::toString(tick.decision.action)).c_str(),
                    tick.decision.reason.c_str());
      out << line;
    }
    for (const watch::RollbackAttempt& attempt : tick.rollbacks) {
      // A flip's detail is the rollback_completed event's already; a failure's is news.
      const bool failed = attempt.outcome == "error" || attempt.outcome == "impossible";
      const std::string detail = failed ? ": " + attempt.detail : "";
      std::snprintf(line, sizeof line, "%8s  rollback attempt %d: %s%s\n",
                    formatDuration(tick.at).c_str(), attempt.attempt, attempt.outcome.c_str(),
                    detail.c_str());
      out << line;
    }
    for (const watch::SentNotification& sent : tick.notifications) {
      std::string receivers;
      for (const auto& r : sent.receivers) {
        receivers += (receivers.empty() ? "" : ", ") + r;
      }
      const std::string& key = sent.notification.incidentId;
      std::snprintf(line, sizeof line, "%8s  -> %s %s to %s\n", formatDuration(tick.at).c_str(),
                    std::string(notify::toString(sent.notification.kind)).c_str(),
                    key.empty() ? "-" : key.c_str(),
                    receivers.empty() ? "nobody" : receivers.c_str());
      out << line;
    }
  }
  return out.str();
}

}  // namespace nova::cli
