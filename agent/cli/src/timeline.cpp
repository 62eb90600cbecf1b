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
  }
  return out.str();
}

}  // namespace nova::cli
