#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "nova/rules/loader.h"
#include "nova/watch/scenario.h"

namespace nova::cli {

/// Everything a scenario parse found.
struct ScenarioLoad {
  std::optional<watch::Scenario> scenario;
  std::vector<rules::Diagnostic> diagnostics;
};

/// Parses and validates a scenario's text (the format of tests/scenarios/README.md),
/// reporting every problem as file:line:col (series notation errors point at their
/// column). Pure; never throws.
ScenarioLoad parseScenario(std::string_view yamlText, std::string_view fileName);

}  // namespace nova::cli
