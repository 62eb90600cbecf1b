#include "agent_log.h"

#include <ctime>
#include <fstream>

namespace nova::demo {
namespace {

// "YYYY-MM-DDTHH:MM:SS.mmm" as UTC; nullopt for anything else.
std::optional<TimestampMs> parseStamp(const std::string& s) {
  if (s.size() < 23 || s[4] != '-' || s[10] != 'T' || s[19] != '.') {
    return std::nullopt;
  }
  try {
    std::tm tm{};
    tm.tm_year = std::stoi(s.substr(0, 4)) - 1900;
    tm.tm_mon = std::stoi(s.substr(5, 2)) - 1;
    tm.tm_mday = std::stoi(s.substr(8, 2));
    tm.tm_hour = std::stoi(s.substr(11, 2));
    tm.tm_min = std::stoi(s.substr(14, 2));
    tm.tm_sec = std::stoi(s.substr(17, 2));
    return static_cast<TimestampMs>(timegm(&tm)) * 1000 + std::stoi(s.substr(20, 3));
  } catch (const std::exception&) {
    return std::nullopt;
  }
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
