// A store whose series limit refuses series that a rule reads must not let the rule say
// "fine": the rule is unknown with the reason until the series fit, then judged on them.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "nova/tsdb/scrape_appender.h"
#include "nova/watch/policy_setup.h"
#include "nova/watch/watcher.h"

namespace nova::watch {
namespace {

constexpr std::string_view kRules = R"(
policy:
  high: {action: page, investigate: 5m, then: rollback}
rules:
  - name: error_rate_high
    expr: sum(rate(nova_http_errors_total[30s])) / sum(rate(nova_http_requests_total[30s]))
    threshold: "> 0.05"
    for: 10s
    severity: high
    summary: "error rate {{ $value }}"
  - name: cache_hits_low
    expr: sum(nova_cache_hits_total) >= bool 0
    threshold: "< 0"
    severity: low
    summary: "cache"
)";

// A target on a bad deploy: every second one more series of a metric with an unbounded
// label (`key`), beside the request counters the rules read. From `errorsFrom` on, the new
// route /api fails half its requests: a new nova_http_errors_total series.
struct Target {
  tsdb::Storage storage{tsdb::Limits{.retention = kMinute, .maxSeries = 50}};
  tsdb::ScrapeAppender appender{storage, 1000};
  TimestampMs errorsFrom = 50 * kSecond;
  double requests = 0;
  double apiErrors = 0;
  int keys = 0;

  void scrape(TimestampMs t) {
    requests += 20;
    appender.begin(t);
    add(R"(nova_http_requests_total{route="/api"})",
        {{"__name__", "nova_http_requests_total"}, {"route", "/api"}}, requests);
    add(R"(nova_http_errors_total{route="/health"})",
        {{"__name__", "nova_http_errors_total"}, {"route", "/health"}}, 0);
    if (t >= errorsFrom) {
      apiErrors += 10;
      add(R"(nova_http_errors_total{route="/api"})",
          {{"__name__", "nova_http_errors_total"}, {"route", "/api"}}, apiErrors);
    }
    const std::string key = "k" + std::to_string(keys++);
    add("nova_cache_hits_total{key=\"" + key + "\"}",
        {{"__name__", "nova_cache_hits_total"}, {"key", key}}, 1);
    appender.commit();
  }

  void add(const std::string& raw, Labels labels, double v) {
    appender.add(
        raw, [&] { return labels; }, v);
  }
};

Watcher makeWatcher(std::string_view rulesYaml = kRules) {
  auto ruleSet = rules::load(rulesYaml, "test.yaml");
  REQUIRE(ruleSet.ok());
  auto policy = effectivePolicy(*ruleSet, std::nullopt);
  REQUIRE(policy.ok());
  auto escalator = makeEscalator(*ruleSet, *policy, 0, std::nullopt);
  REQUIRE(escalator.ok());
  return Watcher(std::move(ruleSet).value(), std::move(escalator).value());
}

}  // namespace

TEST_CASE(
    "a new error series refused by the full series limit makes the rule unknown, then fires") {
  Target target;
  Watcher watcher = makeWatcher();
  Watcher blind = makeWatcher();  // the same rules told nothing about refusals
  std::optional<TimestampMs> breachingAt;
  std::optional<TimestampMs> pagedAt;
  for (TimestampMs t = 0; t <= 3 * kMinute; t += kSecond) {
    target.scrape(t);
    const tsdb::Refusals& refused = target.appender.lastRefusals();
    TickOutput out = watcher.tick(target.storage, {t, MonoTime(t)}, refused);
    TickOutput control = blind.tick(target.storage, {t, MonoTime(t)});
    const auto& rule = out.results[0];
    if (t == 55 * kSecond) {
      // The limit is full of cache keys; the /api errors series is refused.
      REQUIRE(refused.any());
      CHECK(refused.names ==
            std::vector<std::string>{"nova_cache_hits_total", "nova_http_errors_total"});
      CHECK((rule.observation.state == policy::RuleObservation::State::kUnknown));
      CHECK(std::isnan(rule.observation.value));
      CHECK(rule.reason ==
            "no data: the store's series limit refused series of nova_http_errors_total in the "
            "last scrape (2 series refused in all); judging on the rest could hide a failure");
      // What the store holds alone says 0 errors: the silent "fine" of the finding.
      CHECK((control.results[0].observation.state == policy::RuleObservation::State::kOk));
      CHECK(control.results[0].observation.value == 0);
      // The cache rule reads nova_cache_hits_total, whose new key was refused too.
      CHECK((out.results[1].observation.state == policy::RuleObservation::State::kUnknown));
    }
    if (!breachingAt && rule.observation.state == policy::RuleObservation::State::kBreaching) {
      breachingAt = t;
    }
    if (!pagedAt && out.decision.action == policy::Action::kPage) {
      pagedAt = t;
    }
  }
  // The first cache keys had no sample left inside retention after about 61 s and were
  // dropped; the refused /api series was retried and stored, and the rule judged it.
  REQUIRE(breachingAt.has_value());
  CHECK(*breachingAt >= 62 * kSecond);
  CHECK(*breachingAt <= 70 * kSecond);
  REQUIRE(pagedAt.has_value());
  MESSAGE("refused from 50 s, breaching at " << *breachingAt / 1000 << " s, paged at "
                                             << *pagedAt / 1000 << " s");
}

TEST_CASE("a refused name no rule reads changes nothing, a selector without a name is affected") {
  constexpr std::string_view kNamed = R"(
rules:
  - name: named
    expr: sum(up)
    threshold: "< 1"
    severity: high
    summary: "up"
  - name: unnamed
    expr: count({job="green"})
    threshold: "< 1"
    severity: high
    summary: "anything"
)";
  Watcher watcher = makeWatcher(kNamed);
  tsdb::Storage storage;
  storage.append(*storage.getOrCreate({{"__name__", "up"}, {"job", "green"}}), 0, 1);
  tsdb::Refusals refused;
  refused.series = 3;
  refused.names = {"other_metric"};
  TickOutput out = watcher.tick(storage, {0, MonoTime(0)}, refused);
  CHECK((out.results[0].observation.state == policy::RuleObservation::State::kOk));
  CHECK((out.results[1].observation.state == policy::RuleObservation::State::kUnknown));
  CHECK(out.results[1].reason.find("other_metric") != std::string::npos);
}

}  // namespace nova::watch
