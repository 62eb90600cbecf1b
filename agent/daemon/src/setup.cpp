#include "nova/daemon/setup.h"

#include <fstream>
#include <sstream>

namespace nova::daemon {

Result<rules::RuleSet> loadRuleFiles(const std::vector<std::string>& files) {
  std::string problems;
  rules::RuleSet merged;
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      problems += file + ": cannot open the rule file\n";
      continue;
    }
    std::ostringstream text;
    text << in.rdbuf();
    auto report = rules::loadDetailed(text.str(), file);
    for (const auto& d : report.diagnostics) {
      problems += d.toString() + "\n";
    }
    if (report.ruleSet) {
      if (Status s = rules::merge(merged, std::move(*report.ruleSet)); !s) {
        problems += file + ": " + s.error().message + "\n";
      }
    }
  }
  if (!problems.empty()) {
    problems.pop_back();
    return Error{problems};
  }
  return merged;
}

}  // namespace nova::daemon
