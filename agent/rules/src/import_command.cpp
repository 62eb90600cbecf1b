#include "nova/rules/import_command.h"

#include <ostream>

#include "nova/core/files.h"
#include "nova/rules/import.h"

namespace nova::rules {
namespace {

constexpr std::size_t kMaxInput = std::size_t{4} << 20;

std::optional<ImportOptions> parseOptions(const ImportCommand& command, std::ostream& err) {
  ImportOptions options;
  for (const std::string& arg : command.args) {
    const std::size_t eq = arg.find('=');
    if (eq == std::string::npos || eq == 0) {
      err << "rules import: --arg " << arg << ": expected NAME=VALUE\n";
      return std::nullopt;
    }
    options.args[arg.substr(0, eq)] = arg.substr(eq + 1);
  }
  const auto severity = parseSeverity(command.severity);
  if (!severity) {
    err << "rules import: --severity " << command.severity
        << ": expected critical, high, medium or low\n";
    return std::nullopt;
  }
  options.severity = *severity;
  if (command.source != "scrape" && command.source != "prometheus") {
    err << "rules import: --source " << command.source << ": expected scrape or prometheus\n";
    return std::nullopt;
  }
  options.source = command.source == "scrape" ? RuleSource::kScrape : RuleSource::kPrometheus;
  return options;
}

}  // namespace

int runRulesImport(const ImportCommand& command, std::ostream& out, std::ostream& err) {
  const auto options = parseOptions(command, err);
  if (!options) {
    return 2;
  }
  std::vector<ImportInput> inputs;
  for (const std::string& file : command.files) {
    auto text = readFile(file, kMaxInput);
    if (!text.ok()) {
      err << "rules import: " << text.error().message << "\n";
      return 2;
    }
    inputs.push_back({file, std::move(text).value()});
  }
  const ImportResult result = importRules(inputs, *options);
  for (const std::string& line : result.report) {
    err << line << "\n";
  }
  err << result.converted << " converted, " << result.notConverted << " not converted\n";
  if (!result.yaml.empty()) {
    if (command.output.empty()) {
      out << result.yaml;
    } else if (Status written = writeFileDurably(command.output, result.yaml); !written.ok()) {
      err << "rules import: " << written.error().message << "\n";
      return 2;
    }
  }
  return result.complete() ? 0 : 1;
}

}  // namespace nova::rules
