#include "nova/cli/rules_commands.h"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <filesystem>
#include <ostream>

#include "nova/cli/scenario_loader.h"
#include "nova/core/files.h"
#include "nova/rules/loader.h"
#include "nova/rules/rule_files.h"
#include "nova/traffic/dry_run_switch.h"
#include "nova/watch/replay.h"
#include "timeline.h"

namespace nova::cli {
namespace {

// A scenario file is read whole; rule files have their own bound.
constexpr std::size_t kMaxInputBytes = rules::kMaxRuleFileBytes;

// A file's text, or nullopt after printing why it could not be read.
std::optional<std::string> readText(const std::string& path, std::ostream& err) {
  auto text = readFile(path, kMaxInputBytes);
  if (!text.ok()) {
    err << text.error().message << "\n";
    return std::nullopt;
  }
  return std::move(text).value();
}

// "page, then rollback after 5m" for the table.
std::string actionText(const policy::SeverityPolicy& p) {
  std::string text(policy::toString(p.action));
  if (p.afterInvestigation != policy::Action::kNone) {
    text += ", " + std::string(policy::toString(p.afterInvestigation)) + " after " +
            formatDuration(p.investigate);
  }
  return text;
}

void printTable(const rules::RuleSet& set, std::ostream& out) {
  char line[512];
  std::snprintf(line, sizeof line, "%-28s %-9s %-6s %-10s %s\n", "NAME", "SEVERITY", "FOR",
                "THRESHOLD", "ACTION");
  out << line;
  for (const rules::Rule& rule : set.rules) {
    const std::string source = rule.source == rules::RuleSource::kPrometheus ? " (prometheus)" : "";
    std::snprintf(line, sizeof line, "%-28s %-9s %-6s %-10s %s%s\n", rule.name.c_str(),
                  std::string(toString(rule.severity)).c_str(),
                  formatDuration(rule.forDuration).c_str(), rule.threshold.toString().c_str(),
                  actionText(set.policy.forSeverity(rule.severity)).c_str(), source.c_str());
    out << line;
  }
}

}  // namespace

int runRulesCheck(std::span<const std::string> files, std::ostream& out, std::ostream& err) {
  if (files.empty()) {
    err << "rules check: no rule files given\n";
    return 1;
  }
  int status = 0;
  for (const std::string& path : files) {
    auto text = readText(path, err);
    if (!text) {
      status = 1;
      continue;
    }
    const rules::LoadReport report = rules::loadDetailed(*text, path);
    if (!report.ok()) {
      for (const rules::Diagnostic& d : report.diagnostics) {
        err << d.toString() << "\n";
      }
      err << path << ": " << report.diagnostics.size() << " problem"
          << (report.diagnostics.size() == 1 ? "" : "s") << "\n";
      status = 1;
      continue;
    }
    out << path << ": " << report.ruleSet->rules.size() << " rules OK\n";
    printTable(*report.ruleSet, out);
    for (const rules::RecordingRule& recording : report.ruleSet->recordings) {
      out << "recording rule " << recording.record << " (group " << recording.group << ")\n";
    }
    for (const rules::Diagnostic& note : report.notes) {
      out << note.file << ":" << note.line << ":" << note.column << ": note: " << note.message
          << "\n";
    }
  }
  return status;
}

int runRulesTest(const std::string& scenarioFile, std::ostream& out, std::ostream& err) {
  auto text = readText(scenarioFile, err);
  if (!text) {
    return 1;
  }
  ScenarioLoad load = parseScenario(*text, scenarioFile);
  for (const rules::Diagnostic& d : load.diagnostics) {
    err << d.toString() << "\n";
  }
  if (!load.scenario) {
    return 1;
  }
  const watch::Scenario& scenario = *load.scenario;
  const std::filesystem::path folder = std::filesystem::path(scenarioFile).parent_path();
  std::vector<std::string> paths;
  for (const std::string& file : scenario.ruleFiles) {
    paths.push_back((folder / file).lexically_normal().string());
  }
  auto ruleSet = rules::loadRuleFiles(
      paths, [](const std::string& path) { return readFile(path, rules::kMaxRuleFileBytes); });
  if (!ruleSet.ok()) {
    err << ruleSet.error().message << "\n";
    return 1;
  }
  out << scenarioFile << ": " << scenario.description << "\n";
  out << "  " << ruleSet->rules.size() << " rules, " << scenario.series.size()
      << " series, interval " << formatDuration(scenario.interval) << ", traffic switch at "
      << formatDuration(scenario.trafficSwitch) << ", until " << formatDuration(scenario.end)
      << (scenario.blueSeries.empty()
              ? std::string()
              : "; blue: " + std::to_string(scenario.blueSeries.size()) + " series")
      << "\n";
  // The dry-run switch logs what a real one would do; the timeline shows it instead.
  spdlog::set_level(spdlog::level::off);
  traffic::DryRunSwitch traffic;
  const watch::ScenarioReport report = watch::replay(scenario, *ruleSet, traffic);
  for (const std::string& line : report.baselineLog) {
    out << "  " << line << "\n";
  }
  out << formatTimeline(report);
  if (report.passed()) {
    out << "PASS " << scenarioFile << ": " << report.checked << " expectations hold\n";
    return 0;
  }
  err << "FAIL " << scenarioFile << ":\n";
  for (const std::string& failure : report.failures) {
    err << failure << "\n";
  }
  return 1;
}

}  // namespace nova::cli
