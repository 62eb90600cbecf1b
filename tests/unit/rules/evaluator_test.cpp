#include "nova/rules/evaluator.h"

#include <doctest/doctest.h>

#include <cmath>

#include "test_util.h"

namespace nova::rules {
namespace {

using State = policy::RuleObservation::State;

// A small store: requests and errors per route, sampled every 10s for 2 minutes.
struct Fixture {
  tsdb::Storage storage{tsdb::Limits{0, 1000, std::size_t{1} << 20}};
  promql::Engine engine;

  void counter(const Labels& labels, double perSecond) {
    const auto id = storage.getOrCreate(labels);
    REQUIRE(id.has_value());
    for (int i = 0; i <= 12; ++i) {
      storage.append(*id, i * 10 * kSecond, perSecond * 10 * i);
    }
  }

  RuleSet rules(const std::string& body) {
    auto loaded = load("rules:\n" + body, "t.yaml");
    if (!loaded.ok()) {
      FAIL(loaded.error().message);
    }
    return std::move(loaded).value();
  }
};

constexpr TimestampMs kNow = 120 * kSecond;

TEST_CASE("the worst sample breaches and fills value and summary") {
  Fixture f;
  f.counter(Labels{{"__name__", "req_total"}, {"route", "/a"}}, 2);
  f.counter(Labels{{"__name__", "req_total"}, {"route", "/b"}}, 5);
  f.counter(Labels{{"__name__", "req_total"}, {"route", "/c"}}, 1);
  const RuleSet set = f.rules(
      "  - name: busy\n"
      "    expr: rate(req_total[1m])\n"
      "    threshold: \"> 1.5\"\n"
      "    severity: low\n"
      "    summary: \"{{ $labels.route }} at {{ $value }}/s\"\n");
  const auto results = evaluateRules(set, f.engine, f.storage, kNow);
  REQUIRE(results.size() == 1);
  CHECK((results[0].observation.state == State::kBreaching));
  CHECK(results[0].observation.value == doctest::Approx(5));
  CHECK(results[0].observation.summary == "/b at 5/s");
  CHECK(results[0].labels.get("route") == "/b");
  CHECK(results[0].samples == 3);
  CHECK(results[0].reason.empty());
}

TEST_CASE("below threshold is ok, with the sample closest to breaching") {
  Fixture f;
  f.counter(Labels{{"__name__", "req_total"}, {"route", "/a"}}, 2);
  f.counter(Labels{{"__name__", "req_total"}, {"route", "/b"}}, 5);
  const RuleSet set = f.rules(
      "  - {name: slow, expr: \"rate(req_total[1m])\", threshold: \"< 1\", severity: low}\n");
  const auto results = evaluateRules(set, f.engine, f.storage, kNow);
  CHECK((results[0].observation.state == State::kOk));
  CHECK(results[0].observation.value == doctest::Approx(2));
}

TEST_CASE("guards: false is ok, never any data is ok, true lets the rule judge") {
  Fixture f;
  f.counter(Labels{{"__name__", "req_total"}}, 0.1);
  f.counter(Labels{{"__name__", "err_total"}}, 0.05);
  const std::string rule =
      "  - name: ratio\n"
      "    expr: sum(rate(err_total[1m])) / sum(rate(req_total[1m]))\n"
      "    threshold: \"> 0.05\"\n"
      "    severity: high\n";
  auto guarded = [&](const std::string& guard) {
    return evaluateRules(f.rules(rule + "    guard: " + guard + "\n"), f.engine, f.storage,
                         kNow)[0];
  };
  const RuleEvaluation quiet = guarded("sum(rate(req_total[1m])) >= bool 0.5");
  CHECK((quiet.observation.state == State::kOk));
  CHECK(quiet.reason == "guard false: not enough traffic to judge");
  CHECK(std::isnan(quiet.observation.value));

  // A metric that has never appeared since the rules were loaded: not enough traffic.
  const RuleEvaluation missing = guarded("sum(rate(absent_total[1m])) >= bool 0.5");
  CHECK((missing.observation.state == State::kOk));
  CHECK(missing.reason == "guard has had no data yet: not enough traffic to judge");

  const RuleEvaluation busy = guarded("sum(rate(req_total[1m])) >= bool 0.05");
  CHECK((busy.observation.state == State::kBreaching));
  CHECK(busy.observation.value == doctest::Approx(0.5));
}

TEST_CASE("a guard that had data and lost it is unknown, in the same set's later rounds") {
  Fixture f;
  f.counter(Labels{{"__name__", "req_total"}}, 1);  // samples up to 120 s
  const RuleSet set = f.rules(
      "  - name: r\n"
      "    expr: sum(rate(req_total[1m]))\n"
      "    guard: sum(rate(req_total[1m])) >= bool 0.5\n"
      "    threshold: \"> 5\"\n"
      "    severity: low\n");
  // Before the first sample the guard has never had data: not judged.
  CHECK(evaluateRules(set, f.engine, f.storage, -kMinute)[0].reason ==
        "guard has had no data yet: not enough traffic to judge");
  CHECK((evaluateRules(set, f.engine, f.storage, kNow)[0].observation.state == State::kOk));
  // Ten minutes on the series is gone from the window: no data, which is unknown.
  const RuleEvaluation gone = evaluateRules(set, f.engine, f.storage, kNow + 10 * kMinute)[0];
  CHECK((gone.observation.state == State::kUnknown));
  CHECK(gone.reason == "guard has no data");
  // A copy shares the memory; a set loaded afresh starts over.
  const RuleSet copy = set;
  CHECK(evaluateRules(copy, f.engine, f.storage, kNow + 10 * kMinute)[0].reason ==
        "guard has no data");
}

TEST_CASE("no data, NaN and remote rules are unknown") {
  Fixture f;
  f.counter(Labels{{"__name__", "zero_total"}}, 0);
  const RuleSet set = f.rules(
      "  - {name: gone, expr: \"rate(nothing_total[1m])\", threshold: \"> 0\", severity: low}\n"
      "  - {name: nan, expr: \"rate(zero_total[1m]) / rate(zero_total[1m])\", threshold: \"> 0\","
      " severity: low}\n"
      "  - {name: remote, expr: up, threshold: \"< 1\", severity: low, source: prometheus}\n"
      "  - {name: scalar, expr: 1 + 1, threshold: \">= 2\", severity: low}\n");
  const auto results = evaluateRules(set, f.engine, f.storage, kNow);
  REQUIRE(results.size() == 4);
  CHECK((results[0].observation.state == State::kUnknown));
  CHECK(results[0].reason == "no data");
  CHECK(results[0].observation.summary == "unknown: no data");
  CHECK((results[1].observation.state == State::kUnknown));
  CHECK(results[1].reason == "no data (value is NaN)");
  CHECK((results[2].observation.state == State::kUnknown));
  CHECK(results[2].reason == "remote source not configured");
  CHECK((results[3].observation.state == State::kBreaching));
  CHECK(results[3].observation.value == 2);

  const auto obs = observations(results);
  REQUIRE(obs.size() == 4);
  CHECK(obs[2].rule == "remote");
  const auto specs = ruleSpecs(set);
  CHECK(specs[3].name == "scalar");
}

TEST_CASE("threshold operators") {
  const Threshold gt{ThresholdOp::kGreater, 1};
  CHECK(gt.breaches(1.5));
  CHECK_FALSE(gt.breaches(1));
  CHECK_FALSE(gt.breaches(std::nan("")));
  CHECK(gt.worse(3, 2));
  const Threshold le{ThresholdOp::kLessEqual, 1};
  CHECK(le.breaches(1));
  CHECK(le.worse(0, 0.5));
  CHECK(Threshold{ThresholdOp::kNotEqual, 0}.breaches(-1));
  CHECK_FALSE(Threshold{ThresholdOp::kEqual, 0}.breaches(-1));
}

TEST_CASE("thresholds as text: the value, or what is wrong and where") {
  const ThresholdParse lt = parseThreshold("  <0.95 ");
  REQUIRE(lt.threshold);
  CHECK((lt.threshold->op == ThresholdOp::kLess));
  CHECK(lt.threshold->value == 0.95);
  CHECK(lt.error.empty());
  CHECK(parseThreshold(">= 1e-3").threshold->toString() == ">= 0.001");
  const ThresholdParse word = parseThreshold("> high");
  CHECK_FALSE(word.threshold);
  CHECK(word.error == "threshold value must be a number, got \"high\"");
  CHECK(word.errorAt == 2);
  const ThresholdParse bare = parseThreshold(" 0.2");
  CHECK(bare.error.starts_with("threshold needs a comparison"));
  CHECK(bare.errorAt == 1);
  const ThresholdParse op = parseThreshold("=< 1");
  CHECK(op.error.starts_with("unknown threshold operator \"=<\""));
  CHECK(op.errorAt == 0);
}

}  // namespace
}  // namespace nova::rules
