#pragma once

#include <cstddef>
#include <cstdint>
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

/// Sample positions all of a scenario's series may expand to together: a replay holds
/// them in memory, so a typo such as `0+1x10000000` is an error, not gigabytes.
inline constexpr std::size_t kMaxScenarioSamples = 1'000'000;
/// Evaluations a replay runs at most (its `duration:` over its `interval:`): 100,000 is
/// 27.7 hours at 1 s or 11.5 days at 10 s.
inline constexpr std::int64_t kMaxScenarioTicks = 100'000;

/// Parses and validates a scenario's text (the format of tests/scenarios/README.md),
/// reporting every problem as file:line:col (series notation errors point at their
/// column), a scenario over kMaxScenarioSamples or kMaxScenarioTicks included. Pure;
/// never throws.
ScenarioLoad parseScenario(std::string_view yamlText, std::string_view fileName);

}  // namespace nova::cli
