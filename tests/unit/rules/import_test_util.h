#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "nova/rules/evaluator.h"
#include "nova/rules/import.h"
#include "nova/rules/loader.h"

namespace nova::rules::test {

using State = policy::RuleObservation::State;
inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Imports one input file called "in.yaml".
inline ImportResult importText(const std::string& yaml, const ImportOptions& options = {}) {
  const ImportInput input{"in.yaml", yaml};
  return importRules(std::span<const ImportInput>(&input, 1), options);
}

/// The imported rule file, loaded; fails the test when it does not load.
inline RuleSet loadImported(const ImportResult& result) {
  LoadReport report = loadDetailed(result.yaml, "imported.yaml");
  for (const Diagnostic& d : report.diagnostics) {
    FAIL_CHECK(d.toString());
  }
  REQUIRE(report.ok());
  return std::move(*report.ruleSet);
}

/// True when some report line contains `text`.
inline bool reported(const ImportResult& result, const std::string& text) {
  return std::any_of(result.report.begin(), result.report.end(),
                     [&](const std::string& line) { return line.find(text) != std::string::npos; });
}

/// The state of the only rule of `set` over a store where the gauge `ratio` is `value`
/// (NaN allowed) at t = 0, or absent (nullopt).
inline policy::RuleObservation::State stateWith(const RuleSet& set, std::optional<double> value) {
  tsdb::Storage storage;
  if (value) {
    const auto id = storage.getOrCreate(Labels{{"__name__", "ratio"}});
    storage.append(*id, 0, *value);
  }
  const auto results = evaluateRules(set, promql::Engine(), storage, 0);
  REQUIRE(results.size() == 1);
  return results[0].observation.state;
}

}  // namespace nova::rules::test
