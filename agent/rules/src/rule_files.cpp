#include "nova/rules/rule_files.h"

#include <optional>

namespace nova::rules {

Result<RuleSet> loadRuleFiles(std::span<const std::string> paths, const FileReader& read) {
  RuleSet merged;
  std::optional<Error> problems;
  const auto problem = [&](const Error& error) {
    if (!problems) {
      problems = error;
    } else {
      problems->message += "\n" + error.message;
    }
  };
  for (const std::string& path : paths) {
    auto text = read(path);
    if (!text.ok()) {
      problem(text.error());
      continue;
    }
    LoadReport report = loadDetailed(*text, path);
    for (const Diagnostic& d : report.diagnostics) {
      problem(Error(ErrorCode::kInvalidInput, d.toString()));
    }
    if (report.ruleSet) {
      if (Status s = merge(merged, std::move(*report.ruleSet)); !s) {
        problem(s.error().prefixed(path + ": "));
      }
    }
  }
  if (problems) {
    return *std::move(problems);
  }
  return merged;
}

}  // namespace nova::rules
