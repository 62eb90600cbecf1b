// Fuzzes the rule-file loader and the scenario parser with arbitrary YAML: they must never
// crash or throw, a failed load must say where (1-based places inside the text, give or
// take the line after it), and a successful load must give rules that can be evaluated.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_checks.h"
#include "nova/cli/scenario_loader.h"
#include "nova/promql/engine.h"
#include "nova/rules/evaluator.h"
#include "nova/rules/loader.h"

using nova::fuzz::check;
using nova::fuzz::checkPlaces;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 64 * 1024) {
    return 0;
  }
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const nova::rules::LoadReport report = nova::rules::loadDetailed(text, "fuzz.yaml");
  check(report.ok() == report.diagnostics.empty());
  checkPlaces(report.diagnostics, text);
  if (report.ok()) {
    // Loaded rules must evaluate against an empty store without trouble.
    const nova::tsdb::Storage storage;
    const nova::promql::Engine engine;
    const auto results = nova::rules::evaluateRules(*report.ruleSet, engine, storage, 0);
    check(results.size() == report.ruleSet->rules.size());
  }
  const nova::cli::ScenarioLoad scenario = nova::cli::parseScenario(text, "fuzz.yaml");
  check(scenario.scenario.has_value() == scenario.diagnostics.empty());
  checkPlaces(scenario.diagnostics, text);
  return 0;
}
