#pragma once

// Table-driven timelines for the Escalator: each row is one tick (time, observations) and
// the action and events expected from it.

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "nova/policy/escalator.h"

namespace policy_test {

using nova::DurationMs;
using nova::TimestampMs;
using nova::policy::Action;
using nova::policy::Decision;
using nova::policy::Escalator;
using nova::policy::RuleObservation;
using nova::policy::RuleSpec;

/// The traffic switch in every test: 2023-11-14T22:13:20Z.
inline constexpr TimestampMs kSwitch = 1'700'000'000'000;

inline TimestampMs at(int minutes, int seconds = 0) {
  return kSwitch + minutes * nova::kMinute + seconds * nova::kSecond;
}

inline constexpr auto kOk = RuleObservation::State::kOk;
inline constexpr auto kBad = RuleObservation::State::kBreaching;
inline constexpr auto kUnknown = RuleObservation::State::kUnknown;

/// The rules of most tests; the severities are the seed's.
inline std::vector<RuleSpec> seedRules() {
  return {
      {"api_down", nova::Severity::kCritical, 0},
      {"errors_high", nova::Severity::kHigh, nova::kMinute},
      {"ws_drop", nova::Severity::kHigh, 0},
      {"errors_medium", nova::Severity::kMedium, 0},
      {"latency_low", nova::Severity::kLow, 0},
  };
}

struct Obs {
  std::string rule;
  RuleObservation::State state = kBad;
  double value = 1;
};

struct Row {
  TimestampMs at = 0;
  /// Rules not named here are observed ok.
  std::vector<Obs> observations;
  std::string action;
  /// "kind" or "kind[rule]", in order.
  std::vector<std::string> events;
};

inline std::string str(Action a) {
  return std::string(nova::policy::toString(a));
}

/// Every rule of `rules` observed: ok unless named in `named`.
inline std::vector<RuleObservation> observe(const std::vector<RuleSpec>& rules,
                                            const std::vector<Obs>& named) {
  std::vector<RuleObservation> out;
  for (const RuleSpec& rule : rules) {
    RuleObservation o{rule.name, kOk, 0, ""};
    for (const Obs& n : named) {
      if (n.rule == rule.name) {
        o.state = n.state;
        o.value = n.value;
        o.summary = rule.name + " is " + std::string(nova::policy::toString(n.state));
      }
    }
    out.push_back(o);
  }
  return out;
}

inline std::vector<std::string> eventKeys(const Decision& decision) {
  std::vector<std::string> keys;
  for (const auto& event : decision.events) {
    std::string key(nova::policy::toString(event.kind));
    if (!event.rule.empty()) {
      key += "[" + event.rule + "]";
    }
    keys.push_back(key);
  }
  return keys;
}

inline std::string joined(const std::vector<std::string>& keys) {
  std::string out;
  for (const auto& key : keys) {
    out += (out.empty() ? "" : " ") + key;
  }
  return out;
}

/// Runs `rows` through `escalator`, checking each row; returns the decisions.
inline std::vector<Decision> run(Escalator& escalator, const std::vector<RuleSpec>& rules,
                                 const std::vector<Row>& rows) {
  std::vector<Decision> decisions;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Row& row = rows[i];
    const auto observations = observe(rules, row.observations);
    Decision decision = escalator.step(observations, row.at);
    INFO("row ", i, " at +", nova::formatDuration(row.at - kSwitch), "\n",
         nova::policy::toString(decision));
    CHECK(str(decision.action) == row.action);
    CHECK(joined(eventKeys(decision)) == joined(row.events));
    decisions.push_back(std::move(decision));
  }
  return decisions;
}

}  // namespace policy_test
