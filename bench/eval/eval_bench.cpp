// Times one evaluation round of a rule file (every rule's guard and expression, as the agent
// does at each tick) over a store holding `minutes` of 1 s scrapes of a target.
//
//   nova_eval_bench CORPUS.prom RULES.yaml [minutes=15] [rounds=200]
//
// The corpus is one scrape; each later scrape adds to counters, histogram buckets, sums and
// counts, so rate() and histogram_quantile() see moving series. The agent's own series
// (nova_agent_health_up, up, nova_data_loss_events_total) are added as the agent writes them.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "nova/expo/parser.h"
#include "nova/promql/engine.h"
#include "nova/rules/evaluator.h"
#include "nova/rules/loader.h"
#include "nova/tsdb/scrape_appender.h"
#include "nova/tsdb/storage.h"

namespace {

std::string readFile(const char* path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

bool isCumulative(std::string_view name) {
  return name.ends_with("_total") || name.ends_with("_bucket") || name.ends_with("_count") ||
         name.ends_with("_sum");
}

double percentile(std::vector<double> values, double q) {
  std::sort(values.begin(), values.end());
  return values[static_cast<std::size_t>(q * static_cast<double>(values.size() - 1))];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: nova_eval_bench CORPUS.prom RULES.yaml [minutes] [rounds]\n";
    return 2;
  }
  const int minutes = argc > 3 ? std::stoi(argv[3]) : 15;
  const int rounds = argc > 4 ? std::stoi(argv[4]) : 200;
  const std::string body = readFile(argv[1]);
  auto samples = nova::expo::parseAll(body);
  if (!samples.ok()) {
    std::cerr << argv[1] << ": " << samples.error().message << "\n";
    return 1;
  }
  const std::string rulesText = readFile(argv[2]);
  auto ruleSet = nova::rules::load(rulesText, argv[2]);
  if (!ruleSet.ok()) {
    std::cerr << ruleSet.error().message << "\n";
    return 1;
  }
  const nova::Labels target{{"job", "user-service"}};
  samples->push_back({nova::Labels{{"__name__", "nova_agent_health_up"}}, 1, {}, {}});
  samples->push_back({nova::Labels{{"__name__", "nova_data_loss_events_total"}}, 0, {}, {}});
  std::vector<nova::Labels> labels;
  std::vector<std::string> keys;
  for (const auto& sample : *samples) {
    labels.push_back(nova::LabelsBuilder(sample.labels).set("job", "user-service").build());
    keys.push_back(labels.back().toString());
  }

  nova::tsdb::Storage storage;
  nova::tsdb::ScrapeAppender appender(storage);
  const int scrapes = minutes * 60;
  const nova::TimestampMs start = 1'700'000'000'000;
  const auto loadStart = std::chrono::steady_clock::now();
  for (int i = 0; i < scrapes; ++i) {
    const nova::TimestampMs t = start + i * nova::kSecond;
    appender.begin(t);
    for (std::size_t s = 0; s < samples->size(); ++s) {
      const auto& sample = (*samples)[s];
      const double grow = isCumulative(sample.labels.metricName()) ? (sample.value * 0.001 + 1) : 0;
      (void)appender.add(
          keys[s], [&] { return labels[s]; }, sample.value + grow * i);
    }
    appender.commit();
    (void)appender.appendSynthetic(target.with("__name__", "up"), t, 1);
  }
  const double loadSeconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - loadStart).count();
  const auto stats = storage.stats();

  const nova::promql::Engine engine;
  const nova::TimestampMs now = start + (scrapes - 1) * nova::kSecond;
  std::vector<double> millis;
  std::size_t breaching = 0;
  for (int round = 0; round < rounds; ++round) {
    const auto t0 = std::chrono::steady_clock::now();
    const auto results = nova::rules::evaluateRules(*ruleSet, engine, storage, now);
    millis.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    breaching = static_cast<std::size_t>(std::count_if(results.begin(), results.end(), [](auto& r) {
      return r.observation.state == nova::policy::RuleObservation::State::kBreaching;
    }));
  }
  // Where a round's time goes, rule by rule (CPU time, so a busy machine does not skew it).
  for (const auto& rule : ruleSet->rules) {
    nova::rules::RuleSet single = *ruleSet;
    single.rules = {rule};
    std::vector<double> ruleMillis;
    for (int round = 0; round < std::max(1, rounds / 10); ++round) {
      const std::clock_t c0 = std::clock();
      (void)nova::rules::evaluateRules(single, engine, storage, now);
      ruleMillis.push_back(1000.0 * static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC);
    }
    std::printf("  %-28s cpu_median_ms=%.3f\n", rule.name.c_str(), percentile(ruleMillis, 0.5));
  }
  std::printf("store: %zu series, %zu samples, %.0f MB, loaded in %.1f s\n", stats.series,
              stats.samples, static_cast<double>(stats.bytes) / 1e6, loadSeconds);
  std::printf("rules: %zu (%zu breaching), rounds: %d\n", ruleSet->rules.size(), breaching, rounds);
  std::printf("eval-round-10k-15m: median_ms=%.3f p99_ms=%.3f min_ms=%.3f target_ms=5 ratio=%.3f\n",
              percentile(millis, 0.5), percentile(millis, 0.99), percentile(millis, 0.0),
              percentile(millis, 0.5) / 5.0);
  return 0;
}
