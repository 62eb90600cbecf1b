#include <doctest/doctest.h>

#include <cmath>

#include "nova/rules/evaluator.h"
#include "nova/rules/remote_answers.h"

namespace nova::rules {
namespace {

using State = policy::RuleObservation::State;

RuleSet rulesOf(const std::string& text) {
  auto loaded = load(text, "remote.yaml");
  if (!loaded.ok()) {
    FAIL(loaded.error().message);
  }
  return std::move(loaded).value();
}

promql::Vector vectorOf(std::initializer_list<std::pair<const char*, double>> samples) {
  promql::Vector out;
  for (const auto& [route, v] : samples) {
    out.push_back({Labels{{"route", route}}, 0, v});
  }
  return out;
}

constexpr TimestampMs kNow = 60 * kSecond;

TEST_CASE("a rule names its source; a file's source is its rules' default") {
  const RuleSet set = rulesOf(
      "source: prometheus\n"
      "rules:\n"
      "  - {name: a, expr: up, threshold: \"< 1\", severity: low}\n"
      "  - {name: b, expr: up, threshold: \"< 1\", severity: low, source: thanos-eu}\n"
      "  - {name: c, expr: up, threshold: \"< 1\", severity: low, source: scrape}\n");
  REQUIRE(set.rules.size() == 3);
  CHECK((set.rules[0].source == RuleSource::kPrometheus));
  CHECK(set.rules[0].sourceName == "prometheus");
  CHECK((set.rules[1].source == RuleSource::kPrometheus));
  CHECK(set.rules[1].sourceName == "thanos-eu");
  CHECK((set.rules[2].source == RuleSource::kScrape));
  CHECK(remoteQueries(set) == std::vector<RemoteQuery>{{"prometheus", "up"}, {"thanos-eu", "up"}});
}

TEST_CASE("a near miss of a built-in source is a typo; a bad name is refused") {
  auto typo = load(
      "rules:\n  - {name: a, expr: up, threshold: \"< 1\", severity: low, source: promethues}\n",
      "t.yaml");
  REQUIRE_FALSE(typo.ok());
  CHECK(typo.error().message ==
        "t.yaml:2:66: unknown source \"promethues\"; did you mean prometheus?");
  auto bad = load("source: \"a b\"\nrules: []\n", "t.yaml");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.find("source must be scrape, prometheus or the name") !=
        std::string::npos);
}

TEST_CASE("remote answers go through the same threshold, guard and no-data logic") {
  const RuleSet set = rulesOf(
      "rules:\n"
      "  - {name: errors, expr: \"rate(errors_total[1m])\", threshold: \"> 0.5\","
      " severity: high, source: prometheus, summary: \"{{ $labels.route }} at {{ $value }}\"}\n"
      "  - {name: quiet, expr: \"rate(errors_total[1m])\", guard: \"sum(rate(req_total[1m]))\","
      " threshold: \"> 0.5\", severity: high, source: prometheus}\n"
      "  - {name: empty, expr: nothing, threshold: \"> 0\", severity: low, source: prometheus}\n"
      "  - {name: down, expr: up, threshold: \"< 1\", severity: low, source: mimir}\n"
      "  - {name: missing, expr: up, threshold: \"< 1\", severity: low, source: other}\n");
  RemoteAnswers answers;
  answers.emplace(RemoteQuery{"prometheus", "rate(errors_total[1m])"},
                  promql::Value{vectorOf({{"/a", 0.2}, {"/b", 0.9}})});
  answers.emplace(RemoteQuery{"prometheus", "sum(rate(req_total[1m]))"},
                  promql::Value{promql::Vector{{Labels{}, 0, 0}}});
  answers.emplace(RemoteQuery{"prometheus", "nothing"}, promql::Value{promql::Vector{}});
  answers.emplace(RemoteQuery{"mimir", "up"},
                  Error(ErrorCode::kTimeout, "timeout: no answer within 2000 ms"));
  tsdb::Storage storage;
  promql::Engine engine;
  const auto results = evaluateRules(set, engine, storage, kNow, &answers);
  REQUIRE(results.size() == 5);
  CHECK((results[0].observation.state == State::kBreaching));
  CHECK(results[0].observation.value == 0.9);
  CHECK(results[0].labels == Labels{{"route", "/b"}});
  CHECK(results[0].observation.summary == "/b at 0.9");
  CHECK((results[1].observation.state == State::kOk));
  CHECK(results[1].reason == "guard false: not enough traffic to judge");
  CHECK((results[2].observation.state == State::kUnknown));
  CHECK(results[2].reason == "no data");
  CHECK((results[3].observation.state == State::kUnknown));
  CHECK(results[3].reason == "remote source \"mimir\": timeout: no answer within 2000 ms");
  CHECK((results[4].observation.state == State::kUnknown));
  CHECK(results[4].reason == "remote source \"other\" not configured");
  // Without answers at all, every remote rule says so.
  CHECK(evaluateRules(set, engine, storage, kNow)[0].reason == "remote source not configured");
}

TEST_CASE("a remote rule whose source failed blames the source, not green") {
  const RuleSet set = rulesOf(
      "rules:\n"
      "  - {name: down, expr: up, threshold: \"< 1\", severity: low, source: mimir}\n"
      "  - {name: guarded, expr: up, guard: \"sum(rate(req_total[1m]))\", threshold: \"< 1\","
      " severity: low, source: mimir}\n"
      "  - {name: empty, expr: nothing, threshold: \"> 0\", severity: low, source: mimir}\n"
      "  - {name: local, expr: up, threshold: \"< 1\", severity: low}\n");
  RemoteAnswers answers;
  answers.emplace(RemoteQuery{"mimir", "up"},
                  Error(ErrorCode::kTransport, "unreachable: Connection refused"));
  answers.emplace(RemoteQuery{"mimir", "sum(rate(req_total[1m]))"},
                  Error(ErrorCode::kUnavailable, "HTTP 503"));
  answers.emplace(RemoteQuery{"mimir", "nothing"}, promql::Value{promql::Vector{}});
  tsdb::Storage storage;
  promql::Engine engine;
  const auto results = evaluateRules(set, engine, storage, kNow, &answers);
  REQUIRE(results.size() == 4);
  CHECK((results[0].observation.state == State::kUnknown));
  CHECK(results[0].observation.failedSource == "mimir");
  CHECK(results[0].reason == "remote source \"mimir\": unreachable: Connection refused");
  CHECK(results[0].observation.summary ==
        "unknown: the measurement source failed, not green: remote source \"mimir\": "
        "unreachable: Connection refused");
  // A guard the source could not answer is the source's failure too.
  CHECK((results[1].observation.state == State::kUnknown));
  CHECK(results[1].observation.failedSource == "mimir");
  CHECK(results[1].reason == "guard failed: remote source \"mimir\": HTTP 503");
  // The source answered: no data is green's silence, not the source's failure.
  CHECK((results[2].observation.state == State::kUnknown));
  CHECK(results[2].observation.failedSource.empty());
  CHECK(results[2].observation.summary == "unknown: no data");
  CHECK((results[3].observation.state == State::kUnknown));
  CHECK(results[3].observation.failedSource.empty());
}

}  // namespace
}  // namespace nova::rules
