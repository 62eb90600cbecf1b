// Fuzzes the scenario parser of `novactl rules test` with arbitrary YAML, and replays what
// it accepts: parsing must never crash or throw, a failed parse must say where, an accepted
// scenario must stay inside the documented limits, and a small accepted scenario must
// replay through the watcher with a report that agrees with its own exact lists.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_checks.h"
#include "nova/cli/scenario_loader.h"
#include "nova/rules/loader.h"
#include "nova/traffic/dry_run_switch.h"
#include "nova/watch/replay.h"

using nova::fuzz::check;

namespace {

// Two rules of the default tree's shape (a CRITICAL that rolls back, a HIGH that pages and
// investigates), so replays reach incidents, pages, holds and rollbacks.
constexpr std::string_view kRules = R"(policy:
  critical: {action: rollback}
  high: {action: page, investigate: 30s, then: rollback}
  unknown: medium
  recovery: 30s
rules:
  - name: api_down
    expr: min(nova_agent_health_up)
    threshold: "< 1"
    for: 10s
    severity: critical
  - name: error_rate_high
    expr: sum(rate(nova_http_errors_total[1m])) / sum(rate(nova_http_requests_total[1m]))
    threshold: "> 0.05"
    for: 20s
    severity: high
)";

const nova::rules::RuleSet& ruleSet() {
  static const nova::rules::RuleSet rules = [] {
    auto loaded = nova::rules::loadDetailed(kRules, "fuzz-rules.yaml");
    check(loaded.ok());
    return *loaded.ruleSet;
  }();
  return rules;
}

// Replays only what stays cheap, so the fuzzer keeps its pace: a few hundred ticks.
bool smallEnough(const nova::watch::Scenario& scenario) {
  return scenario.interval >= nova::kSecond && scenario.end >= 0 &&
         scenario.end / scenario.interval <= 300 && scenario.series.size() <= 16;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 64 * 1024) {
    return 0;
  }
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const nova::cli::ScenarioLoad load = nova::cli::parseScenario(text, "fuzz.yaml");
  check(load.scenario.has_value() == load.diagnostics.empty());
  nova::fuzz::checkPlaces(load.diagnostics, text);
  if (!load.scenario) {
    return 0;
  }
  const nova::watch::Scenario& scenario = *load.scenario;
  check(scenario.interval > 0);
  check(scenario.end / scenario.interval <= nova::cli::kMaxScenarioTicks);
  if (!smallEnough(scenario)) {
    return 0;
  }
  nova::traffic::DryRunSwitch traffic;
  const nova::watch::ScenarioReport report = nova::watch::replay(scenario, ruleSet(), traffic);
  check(!report.ticks.empty());
  check(report.passed() == report.failures.empty());
  // A passing report took exactly the actions, notifications and rollbacks listed.
  if (report.passed()) {
    if (scenario.expectedActions) {
      check(report.actions == *scenario.expectedActions);
    }
    if (scenario.expectedNotifications) {
      check(report.notifications == *scenario.expectedNotifications);
    }
    if (scenario.expectedRollbacks) {
      check(report.rollbacks == *scenario.expectedRollbacks);
    }
  }
  // The dry-run switch flips once at most: every later request finds traffic on blue.
  int flips = 0;
  for (const auto& rollback : report.rollbacks) {
    flips += rollback.outcome == "flipped" ? 1 : 0;
  }
  check(flips <= 1);
  return 0;
}
