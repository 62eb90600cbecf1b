// Every expression and guard of rules/default.yaml gives the same result with the round's
// evaluation cache as without it, over a store shaped like green's /metrics.
#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "nova/promql/engine.h"
#include "nova/rules/evaluator.h"
#include "nova/rules/loader.h"
#include "nova/tsdb/storage.h"

namespace nova::rules {
namespace {

// "labels=value" lines with values as exact bit patterns; NaNs print alike.
std::vector<std::string> dump(const Result<promql::Value>& result) {
  if (!result.ok()) {
    return {"error: " + result.error().message};
  }
  auto number = [](double v) {
    return std::isnan(v) ? std::string("NaN") : std::to_string(std::bit_cast<std::uint64_t>(v));
  };
  std::vector<std::string> out;
  if (const auto* s = std::get_if<promql::Scalar>(&*result)) {
    out.push_back("scalar " + number(s->v));
  } else if (const auto* v = std::get_if<promql::Vector>(&*result)) {
    for (const auto& e : *v) {
      out.push_back(e.labels.toString() + "=" + number(e.v) + " @" + std::to_string(e.t));
    }
  } else {
    out.push_back("other");
  }
  return out;
}

// 15 minutes of 1s scrapes: requests, errors, latency buckets per route, WebSocket
// connections per pod that fall off in the last minutes, and the health gauges.
struct Store {
  tsdb::Storage storage{tsdb::Limits{.retention = 0}};
  static constexpr int kScrapes = 900;

  void series(const Labels& labels, double (*value)(int, int), int seed) {
    const auto id = storage.getOrCreate(labels);
    REQUIRE(id.has_value());
    for (int i = 0; i < kScrapes; ++i) {
      storage.append(*id, i * kSecond, value(i, seed));
    }
  }

  Store() {
    auto counter = [](int i, int seed) { return static_cast<double>(i * (seed + 1)); };
    auto gauge = [](int i, int seed) { return i < 800 ? 100.0 + seed : 50.0 + seed; };
    auto one = [](int, int) { return 1.0; };
    auto zero = [](int, int) { return 0.0; };
    const char* les[] = {"0.05", "0.1", "0.2", "0.5", "+Inf"};
    for (int route = 0; route < 3; ++route) {
      const std::string r = "/r" + std::to_string(route);
      series(Labels{{"__name__", "nova_http_requests_total"}, {"route", r}}, counter, route + 3);
      series(Labels{{"__name__", "nova_http_errors_total"}, {"route", r}}, counter, route);
      series(Labels{{"__name__", "nova_http_request_duration_seconds_count"}, {"route", r}},
             counter, 4);
      for (int b = 0; b < 5; ++b) {
        series(Labels{{"__name__", "nova_http_request_duration_seconds_bucket"},
                      {"route", r},
                      {"le", les[b]}},
               counter, b);
      }
      series(Labels{{"__name__", "nova_streaming_websocket_connections"}, {"pod", r}}, gauge,
             route);
    }
    for (int b = 0; b < 5; ++b) {
      series(Labels{{"__name__", "pg_query_duration_seconds_bucket"}, {"le", les[b]}}, counter,
             b + 1);
    }
    series(Labels{{"__name__", "pg_query_duration_seconds_count"}}, counter, 5);
    series(Labels{{"__name__", "nova_agent_health_up"}}, one, 0);
    series(Labels{{"__name__", "up"}, {"job", "green"}}, one, 0);
    series(Labels{{"__name__", "nova_data_loss_events_total"}}, zero, 0);
    // Blue's rate before the switch, as the agent writes it (watch/baseline.h).
    series(
        Labels{{"__name__", "baseline:nova_http_requests:rate"}}, [](int, int) { return 9.0; }, 0);
  }
};

TEST_CASE("every default rule evaluates alike with and without the round's cache") {
  std::ifstream in(std::string(NOVA_SOURCE_DIR) + "/rules/default.yaml");
  REQUIRE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  auto ruleSet = load(text.str(), "default.yaml");
  REQUIRE_MESSAGE(ruleSet.ok(), (ruleSet.ok() ? "" : ruleSet.error().message));
  REQUIRE(ruleSet->rules.size() == 13);

  Store store;
  const promql::Engine engine;
  for (TimestampMs now : {899 * kSecond, 850 * kSecond}) {
    promql::EvalCache cache;
    std::size_t compared = 0;
    for (const Rule& rule : ruleSet->rules) {
      for (const auto& expr : {rule.parsedGuard, rule.parsedExpr}) {
        if (!expr) {
          continue;
        }
        const auto plain = dump(engine.instant(*expr, store.storage, now));
        const auto cached = dump(engine.instant(*expr, store.storage, now, cache));
        CHECK_MESSAGE(cached == plain, rule.name, " at ", now);
        CHECK(!plain.empty());
        ++compared;
      }
    }
    CHECK(compared == 22);
    // The error-rate rules and the guards share their rates.
    CHECK(cache.hits() >= 6);
  }
}

TEST_CASE("a round with the cache judges like one rule at a time") {
  std::ifstream in(std::string(NOVA_SOURCE_DIR) + "/rules/default.yaml");
  std::stringstream text;
  text << in.rdbuf();
  auto ruleSet = load(text.str(), "default.yaml");
  REQUIRE(ruleSet.ok());
  Store store;
  const promql::Engine engine;
  const auto round = evaluateRules(*ruleSet, engine, store.storage, 899 * kSecond);
  REQUIRE(round.size() == ruleSet->rules.size());
  for (std::size_t i = 0; i < round.size(); ++i) {
    RuleSet single = *ruleSet;
    single.rules = {ruleSet->rules[i]};
    const auto alone = evaluateRules(single, engine, store.storage, 899 * kSecond);
    REQUIRE(alone.size() == 1);
    CHECK(alone[0].observation.summary == round[i].observation.summary);
    CHECK(static_cast<int>(alone[0].observation.state) ==
          static_cast<int>(round[i].observation.state));
    CHECK(alone[0].labels == round[i].labels);
  }
}

}  // namespace
}  // namespace nova::rules
