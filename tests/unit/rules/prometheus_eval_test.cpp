// Evaluating Prometheus alerting and recording rules: firing on any result, the overlay of
// recorded series, and keep_firing_for.
#include <doctest/doctest.h>

#include <cmath>

#include "nova/rules/evaluator.h"
#include "test_util.h"

namespace nova::rules {
namespace {

using State = policy::RuleObservation::State;

constexpr TimestampMs kStep = 10 * kSecond;

// A store of gauges written at the times the test gives.
struct Fixture {
  tsdb::Storage storage;
  promql::Engine engine;

  void set(const Labels& labels, TimestampMs t, double v) {
    const auto id = storage.getOrCreate(labels);
    REQUIRE(id.has_value());
    storage.append(*id, t, v);
  }

  std::vector<RuleEvaluation> at(const RuleSet& set, TimestampMs t) {
    return evaluateRules(set, engine, storage, t);
  }
};

RuleSet prometheusRules(const std::string& rules) {
  auto loaded = load("groups:\n  - name: g\n    rules:\n" + rules, "p.yaml");
  if (!loaded.ok()) {
    FAIL(loaded.error().message);
  }
  return std::move(loaded).value();
}

Labels gauge(std::string_view name, std::string_view route = "") {
  return route.empty() ? Labels{{"__name__", std::string(name)}}
                       : Labels{{"__name__", std::string(name)}, {"route", std::string(route)}};
}

TEST_CASE("an alerting rule breaches on any sample, whatever its value, and is ok on none") {
  Fixture f;
  f.set(gauge("ratio", "/a"), 0, 0.02);
  f.set(gauge("ratio", "/b"), 0, 0.07);
  f.set(gauge("ratio", "/c"), 0, 0.09);
  const RuleSet set = prometheusRules(R"(      - alert: Over5
        expr: ratio > 0.05
        labels: {severity: high}
        annotations: {summary: "{{ $labels.route }} at {{ $value }}"}
      - alert: Over50
        expr: ratio > 0.5
        labels: {severity: high}
      - alert: Zero
        expr: ratio * 0
        labels: {severity: low}
      - alert: NotANumber
        expr: (ratio - ratio) / (ratio - ratio)
        labels: {severity: low}
      - alert: Scalar
        expr: scalar(sum(ratio)) * 0
        labels: {severity: low}
)");
  const auto r = f.at(set, 0);
  REQUIRE(r.size() == 5);
  CHECK((r[0].observation.state == State::kBreaching));
  CHECK(r[0].observation.value == doctest::Approx(0.09));
  CHECK(r[0].labels.get("route") == "/c");
  CHECK(r[0].samples == 2);
  CHECK(r[0].observation.summary == "/c at 0.09");
  CHECK(r[0].reason.empty());

  CHECK((r[1].observation.state == State::kOk));
  CHECK(r[1].samples == 0);
  CHECK(std::isnan(r[1].observation.value));
  CHECK(r[1].observation.summary == "not firing: the expression returns nothing");
  CHECK(r[1].reason.empty());

  CHECK((r[2].observation.state == State::kBreaching));
  CHECK(r[2].observation.value == 0);
  CHECK((r[3].observation.state == State::kBreaching));
  CHECK(std::isnan(r[3].observation.value));
  CHECK(r[3].samples == 3);
  CHECK((r[4].observation.state == State::kBreaching));
  CHECK(r[4].labels.empty());
}

TEST_CASE("an agent rule reading the same empty result stays unknown") {
  Fixture f;
  f.set(gauge("ratio"), 0, 0.02);
  auto set = load(
      "rules:\n  - name: r\n    expr: ratio > 0.5\n    threshold: \"> 0\"\n"
      "    severity: low\n",
      "a.yaml");
  REQUIRE(set.ok());
  const auto r = f.at(*set, 0);
  CHECK((r[0].observation.state == State::kUnknown));
  CHECK(r[0].reason == "no data");
}

constexpr const char* kRecording = R"(      - record: route:ratio:max
        expr: max by (route) (ratio)
        labels: {team: streaming, route: overridden-not}
      - record: all:ratio:max
        expr: max(route:ratio:max)
      - alert: Sustained
        expr: min_over_time(all:ratio:max[1m]) > 0.05
        labels: {severity: high}
      - alert: Now
        expr: all:ratio:max > 0.05
        labels: {severity: high}
        annotations: {summary: "{{ $labels.__name__ }} {{ $value }}"}
)";

TEST_CASE("recorded series are visible to later rules of the round and keep their history") {
  Fixture f;
  const RuleSet set = prometheusRules(kRecording);
  for (int i = 0; i <= 9; ++i) {
    const TimestampMs t = i * kStep;
    f.set(gauge("ratio", "/a"), t, i >= 2 ? 0.08 : 0.01);
    const auto r = f.at(set, t);
    REQUIRE(r.size() == 2);
    CAPTURE(i);
    // Recorded at this timestamp by the rule before it.
    CHECK((r[1].observation.state == (i >= 2 ? State::kBreaching : State::kOk)));
    // The history of the recorded series: above 0.05 for a whole minute from i = 7 (the
    // range (t-1m, t] holds the samples of i-5..i).
    CHECK((r[0].observation.state == (i >= 7 ? State::kBreaching : State::kOk)));
  }
  // The store itself is never written.
  CHECK(f.storage.seriesCount() == 1);
}

TEST_CASE("a recorded series is named by its record, with the rule's labels over its own") {
  Fixture f;
  f.set(gauge("ratio", "/a"), 0, 0.5);
  const RuleSet set = prometheusRules(R"(      - record: route:ratio:max
        expr: max by (route) (ratio)
        labels: {team: streaming}
      - record: route:ratio:renamed
        expr: max by (route) (ratio)
        labels: {route: all}
      - alert: Labels
        expr: route:ratio:max{team="streaming", route="/a"} or route:ratio:renamed{route="all"}
        labels: {severity: low}
        annotations: {summary: "{{ $labels.__name__ }}"}
)");
  const auto r = f.at(set, 0);
  CHECK((r[0].observation.state == State::kBreaching));
  CHECK(r[0].samples == 2);
}

TEST_CASE("a rule listed before the recording rule it reads sees the previous round") {
  Fixture f;
  const RuleSet set = prometheusRules(R"(      - record: late:doubled
        expr: early:copy * 2
      - record: early:copy
        expr: max(ratio)
      - alert: Doubled
        expr: late:doubled
        labels: {severity: low}
)");
  f.set(gauge("ratio"), 0, 1);
  CHECK((f.at(set, 0)[0].observation.state == State::kOk));  // nothing recorded yet
  f.set(gauge("ratio"), kStep, 3);
  const auto r = f.at(set, kStep);
  CHECK((r[0].observation.state == State::kBreaching));
  CHECK(r[0].observation.value == 2);  // round 0's early:copy (1), doubled
}

TEST_CASE("a series a recording rule stops giving goes stale at once") {
  Fixture f;
  const RuleSet set = prometheusRules(R"(      - record: ratio:high
        expr: ratio > 0.05
      - alert: High
        expr: ratio:high
        labels: {severity: high}
)");
  f.set(gauge("ratio"), 0, 0.08);
  CHECK((f.at(set, 0)[0].observation.state == State::kBreaching));
  f.set(gauge("ratio"), kStep, 0.01);
  // Without a stale marker the sample of t = 0 would answer for 5 minutes.
  CHECK((f.at(set, kStep)[0].observation.state == State::kOk));
}

TEST_CASE("expressions reading recorded and scraped series read both") {
  Fixture f;
  const RuleSet set = prometheusRules(R"(      - record: errors:sum
        expr: sum(errors)
      - alert: Share
        expr: errors:sum / on() sum(requests) > 0.1
        labels: {severity: high}
      - alert: ByJob
        expr: count({job="api"})
        labels: {severity: low}
      - record: requests:job
        expr: requests
        labels: {copy: "yes"}
)");
  for (int i = 0; i <= 2; ++i) {
    const TimestampMs t = i * kStep;
    f.set(Labels{{"__name__", "errors"}, {"job", "api"}}, t, 3);
    f.set(Labels{{"__name__", "requests"}, {"job", "api"}}, t, i < 2 ? 20 : 60);
    const auto r = f.at(set, t);
    CAPTURE(i);
    // The scraped requests are copied into the overlay as they come.
    CHECK((r[0].observation.state == (i < 2 ? State::kBreaching : State::kOk)));
    if (i < 2) {
      CHECK(r[0].observation.value == doctest::Approx(0.15));
    }
    // errors and requests scraped, requests:job recorded in this round (recording rules
    // run before the alerting rules, wherever they stand in the file).
    CHECK(r[1].observation.value == 3);
  }
  CHECK(f.storage.seriesCount() == 2);
}

TEST_CASE("a failed recording rule leaves the rules that read it unknown, saying why") {
  Fixture f;
  f.set(gauge("ratio", "/a"), 0, 0.5);
  f.set(gauge("ratio", "/b"), 0, 0.6);
  RuleSet set = prometheusRules(R"(      - record: ratio:clash
        expr: ratio
        labels: {route: same}
      - alert: Clash
        expr: ratio:clash > 0
        labels: {severity: high}
)");
  auto agent = load(
      "rules:\n  - name: agent_rule\n    expr: sum(ratio:clash)\n"
      "    threshold: \"> 0\"\n    severity: low\n",
      "a.yaml");
  REQUIRE(agent.ok());
  REQUIRE(merge(set, std::move(agent).value()).ok());
  const auto r = f.at(set, 0);
  REQUIRE(r.size() == 2);
  const std::string why =
      "recording rule ratio:clash failed: vector contains metrics with the same labelset "
      "after applying rule labels";
  CHECK((r[0].observation.state == State::kUnknown));
  CHECK(r[0].reason == why);
  CHECK(r[0].observation.summary == "unknown: " + why);
  CHECK((r[1].observation.state == State::kUnknown));
  CHECK(r[1].reason == "no data; " + why);
}

TEST_CASE("the overlay belongs to one store; a set without memory records per call") {
  Fixture a;
  Fixture b;
  const RuleSet set = prometheusRules(R"(      - record: copy
        expr: max(ratio)
      - alert: History
        expr: count_over_time(copy[5m])
        labels: {severity: low}
)");
  for (int i = 0; i < 3; ++i) {
    a.set(gauge("ratio"), i * kStep, 1);
    CHECK(a.at(set, i * kStep)[0].observation.value == i + 1);
  }
  // Another store starts afresh: nothing recorded over `a` is seen over `b`.
  b.set(gauge("ratio"), 3 * kStep, 1);
  CHECK(b.at(set, 3 * kStep)[0].observation.value == 1);

  RuleSet forgetful = set;
  forgetful.memory = nullptr;
  a.set(gauge("ratio"), 3 * kStep, 1);
  CHECK(a.at(forgetful, 3 * kStep)[0].observation.value == 1);
}

TEST_CASE("keep_firing_for keeps a fired alert breaching after it stops returning anything") {
  Fixture f;
  const RuleSet set = prometheusRules(R"(      - alert: Flappy
        expr: x > 5
        keep_firing_for: 1m
        labels: {severity: high}
        annotations: {summary: "x is {{ $value }}"}
      - alert: Slow
        expr: x > 5
        for: 30s
        keep_firing_for: 1m
        labels: {severity: high}
)");
  const auto x = [&](int i, double v) {
    f.set(gauge("x"), i * kStep, v);
    return f.at(set, i * kStep);
  };
  auto r = x(0, 8);
  CHECK((r[0].observation.state == State::kBreaching));
  CHECK((r[1].observation.state == State::kBreaching));
  r = x(1, 1);  // Slow breached 0s of its 30s `for`: it never fired, nothing to keep
  CHECK((r[0].observation.state == State::kBreaching));
  CHECK(r[0].observation.value == 8);
  CHECK(r[0].observation.summary == "x is 8");
  CHECK(r[0].reason ==
        "kept firing (keep_firing_for 1m): the expression has returned nothing for 0s");
  CHECK((r[1].observation.state == State::kOk));
  r = x(6, 1);
  CHECK((r[0].observation.state == State::kBreaching));
  CHECK(r[0].reason ==
        "kept firing (keep_firing_for 1m): the expression has returned nothing for 50s");
  r = x(7, 1);  // quiet since 10s: 1m has passed
  CHECK((r[0].observation.state == State::kOk));
  CHECK(r[0].reason.empty());

  // Breaching again during the wait ends it; the alert keeps firing.
  x(8, 9);
  x(9, 1);
  r = x(10, 7);
  CHECK((r[0].observation.state == State::kBreaching));
  CHECK(r[0].reason.empty());
  CHECK(r[0].observation.value == 7);
  r = x(16, 1);
  CHECK(r[0].reason ==
        "kept firing (keep_firing_for 1m): the expression has returned nothing for 0s");
  CHECK(r[0].observation.value == 7);
}

}  // namespace
}  // namespace nova::rules
