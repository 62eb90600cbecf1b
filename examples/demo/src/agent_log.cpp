#include "agent_log.h"

#include <fstream>

#include "nova/core/rfc3339.h"

namespace nova::demo {
namespace {

// The agent's text log stamps each line "YYYY-MM-DDTHH:MM:SS.mmm" (the demo runs it in UTC);
// nullopt for a line without one.
std::optional<TimestampMs> parseStamp(const std::string& s) {
  if (s.size() < 23 || s[19] != '.') {
    return std::nullopt;
  }
  auto at = parseRfc3339(s.substr(0, 23) + "Z");
  return at.ok() ? std::optional<TimestampMs>(*at) : std::nullopt;
}

bool has(const std::string& text, const char* part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

std::vector<AgentLogLine> readAgentLog(const std::string& path) {
  std::vector<AgentLogLine> lines;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    auto at = parseStamp(line);
    const auto levelEnd = line.find(' ', 24);
    if (!at || levelEnd == std::string::npos) {
      continue;
    }
    lines.push_back({*at, line.substr(24, levelEnd - 24), line.substr(levelEnd + 1)});
  }
  return lines;
}

AgentMilestones findMilestones(const std::vector<AgentLogLine>& lines, TimestampMs from) {
  AgentMilestones m;
  for (const auto& l : lines) {
    if (l.at < from) {
      continue;
    }
    const bool decision = l.message.rfind("decision ", 0) == 0;
    if (!m.firstBreach && decision &&
        (has(l.message, "rule_pending") || has(l.message, "rule_firing"))) {
      m.firstBreach = l;
    }
    if (!m.decision && decision && has(l.message, "action=rollback")) {
      m.decision = l;
    }
    if (!m.flipDone && l.message.rfind("rollback of incident ", 0) == 0 &&
        has(l.message, " done: ")) {
      m.flipDone = l;
    }
    if (!m.impossible && has(l.message, "a person must move traffic to blue")) {
      m.impossible = l;
    }
  }
  return m;
}

}  // namespace nova::demo
