// Every scenario of tests/scenarios replayed tick by tick through its rule files twice, one
// set evaluated incrementally and one from scratch: every rule's result (state, value bits,
// labels, sample count, reason, summary) is the same at every tick.
#include <doctest/doctest.h>

#include <bit>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "nova/cli/scenario_loader.h"
#include "nova/core/files.h"
#include "nova/promql/engine.h"
#include "nova/rules/evaluator.h"
#include "nova/rules/rule_files.h"
#include "nova/tsdb/storage.h"

namespace nova::rules {
namespace {

std::string describe(const RuleEvaluation& r) {
  return r.observation.rule + " state=" + std::to_string(static_cast<int>(r.observation.state)) +
         " value=" + std::to_string(std::bit_cast<std::uint64_t>(r.observation.value)) +
         " labels=" + r.labels.toString() + " samples=" + std::to_string(r.samples) +
         " reason=" + r.reason + " summary=" + r.observation.summary;
}

Result<RuleSet> loadScenarioRules(const std::filesystem::path& scenarioFile,
                                  const watch::Scenario& scenario) {
  std::vector<std::string> paths;
  for (const std::string& file : scenario.ruleFiles) {
    paths.push_back((scenarioFile.parent_path() / file).lexically_normal().string());
  }
  return loadRuleFiles(paths,
                       [](const std::string& path) { return readFile(path, kMaxRuleFileBytes); });
}

// Replays the scenario's series at its interval, evaluating both sets after each scrape.
// Returns how many rule results were compared.
std::size_t compareScenario(const std::filesystem::path& file) {
  auto text = readFile(file.string(), 1 << 20);
  REQUIRE(text.ok());
  const cli::ScenarioLoad load = cli::parseScenario(*text, file.string());
  REQUIRE(load.scenario.has_value());
  const watch::Scenario& scenario = *load.scenario;
  auto incremental = loadScenarioRules(file, scenario);
  auto fromScratch = loadScenarioRules(file, scenario);
  REQUIRE_MESSAGE(incremental.ok(), incremental.error().message);
  REQUIRE(fromScratch.ok());

  tsdb::Storage storage;
  std::vector<std::optional<tsdb::SeriesId>> ids;
  for (const promql::SeriesLine& line : scenario.series) {
    ids.push_back(storage.getOrCreate(line.labels));
  }
  const promql::Engine engine;
  std::size_t compared = 0;
  std::size_t position = 0;
  for (TimestampMs t = 0; t <= scenario.end; t += scenario.interval, ++position) {
    for (std::size_t s = 0; s < scenario.series.size(); ++s) {
      const auto& values = scenario.series[s].values;
      if (ids[s] && position < values.size() && values[position]) {
        storage.append(*ids[s], t, *values[position]);
      }
    }
    const auto a = evaluateRules(*incremental, engine, storage, t);
    const auto b =
        evaluateRules(*fromScratch, engine, storage, t, nullptr, Evaluation::kFromScratch);
    REQUIRE(a.size() == b.size());
    for (std::size_t r = 0; r < a.size(); ++r) {
      const std::string got = describe(a[r]);
      const std::string expected = describe(b[r]);
      if (got != expected) {
        FAIL_CHECK(file.filename().string() << " at " << t << " ms:\n incremental:  " << got
                                            << "\n from scratch: " << expected);
        return compared;
      }
      ++compared;
    }
  }
  return compared;
}

TEST_CASE("incremental rule rounds equal from-scratch rounds on every scenario") {
  const std::filesystem::path folder = std::filesystem::path(NOVA_SOURCE_DIR) / "tests/scenarios";
  std::size_t scenarios = 0;
  std::size_t results = 0;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (entry.path().extension() != ".yaml") {
      continue;
    }
    CAPTURE(entry.path().string());
    results += compareScenario(entry.path());
    ++scenarios;
  }
  CHECK(scenarios >= 60);
  CHECK(results > 10'000);
  MESSAGE(scenarios << " scenarios, " << results << " rule results compared");
}

}  // namespace
}  // namespace nova::rules
