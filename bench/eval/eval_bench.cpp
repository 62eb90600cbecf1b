// Times evaluation rounds of a rule file (every rule's guard and expression) as the agent
// runs them: over a store holding `minutes` of 1 s scrapes of a target, each round follows
// one more scrape a second later. Rounds from scratch first, then incremental rounds (the
// agent's way), each timed in thread CPU and wall time; then each rule alone.
//
//   nova_eval_bench [--from-scratch|--incremental] CORPUS.prom RULES.yaml [minutes=15] [rounds=200]
//
// The corpus is one scrape; each later scrape adds to counters, histogram buckets, sums and
// counts, so rate() and histogram_quantile() see moving series. The agent's own series
// (nova_agent_health_up, up, nova_data_loss_events_total) are added as the agent writes them.
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
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

// Scrapes of the target: the corpus with its cumulative series grown `i` times.
class Target {
 public:
  Target(std::vector<nova::expo::ParsedSample> samples, nova::tsdb::Storage& storage)
      : samples_(std::move(samples)), appender_(storage) {
    for (const auto& sample : samples_) {
      labels_.push_back(nova::LabelsBuilder(sample.labels).set("job", "user-service").build());
      keys_.push_back(labels_.back().toString());
    }
  }

  void scrape(int i, nova::TimestampMs t) {
    appender_.begin(t);
    for (std::size_t s = 0; s < samples_.size(); ++s) {
      const auto& sample = samples_[s];
      const double grow = isCumulative(sample.labels.metricName()) ? (sample.value * 0.001 + 1) : 0;
      (void)appender_.add(
          keys_[s], [&] { return labels_[s]; }, sample.value + grow * i);
    }
    appender_.commit();
    (void)appender_.appendSynthetic(up_, t, 1);
  }

 private:
  std::vector<nova::expo::ParsedSample> samples_;
  nova::tsdb::ScrapeAppender appender_;
  std::vector<nova::Labels> labels_;
  std::vector<std::string> keys_;
  nova::Labels up_{{"__name__", "up"}, {"job", "user-service"}};
};

double threadCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double wallMs() {
  return std::chrono::duration<double, std::milli>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

struct Timings {
  std::vector<double> cpu;
  std::vector<double> wall;
  std::size_t breaching = 0;
};

struct Loop {
  Target& target;
  nova::tsdb::Storage& storage;
  nova::TimestampMs start;
  int scrape = 0;

  // `rounds` rounds of the agent's loop: one scrape appended a second after the previous,
  // then the rules evaluated at its time. Only the evaluation is timed; a first round (where
  // an incremental set builds its windows) runs untimed before them.
  Timings run(const nova::rules::RuleSet& ruleSet, int rounds, nova::rules::Evaluation mode) {
    const nova::promql::Engine engine;
    Timings out;
    for (int round = -1; round < rounds; ++round) {
      const nova::TimestampMs t = start + scrape * nova::kSecond;
      target.scrape(scrape++, t);
      const double c0 = threadCpuMs();
      const double w0 = wallMs();
      const auto results = nova::rules::evaluateRules(ruleSet, engine, storage, t, nullptr, mode);
      const double cpu = threadCpuMs() - c0;
      const double wall = wallMs() - w0;
      if (round >= 0) {
        out.cpu.push_back(cpu);
        out.wall.push_back(wall);
      }
      out.breaching = static_cast<std::size_t>(
          std::count_if(results.begin(), results.end(), [](const nova::rules::RuleEvaluation& r) {
            return r.observation.state == nova::policy::RuleObservation::State::kBreaching;
          }));
    }
    return out;
  }
};

void report(const char* mode, const Timings& t) {
  std::printf(
      "%-13s cpu_median_ms=%.3f cpu_p99_ms=%.3f cpu_max_ms=%.3f wall_median_ms=%.3f "
      "wall_p99_ms=%.3f wall_max_ms=%.3f\n",
      mode, percentile(t.cpu, 0.5), percentile(t.cpu, 0.99), percentile(t.cpu, 1.0),
      percentile(t.wall, 0.5), percentile(t.wall, 0.99), percentile(t.wall, 1.0));
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  // --from-scratch: only the from-scratch rounds (no incremental ones, no per-rule table);
  // --incremental: only the incremental ones (for a profiler).
  const bool onlyFromScratch = std::erase(args, std::string("--from-scratch")) > 0;
  const bool onlyIncremental = std::erase(args, std::string("--incremental")) > 0;
  if (args.size() < 2) {
    std::cerr
        << "usage: nova_eval_bench [--from-scratch|--incremental] CORPUS.prom RULES.yaml [minutes] "
           "[rounds]\n";
    return 2;
  }
  const int minutes = args.size() > 2 ? std::stoi(args[2]) : 15;
  const int rounds = std::max(1, args.size() > 3 ? std::stoi(args[3]) : 200);
  auto samples = nova::expo::parseAll(readFile(args[0].c_str()));
  if (!samples.ok()) {
    std::cerr << args[0] << ": " << samples.error().message << "\n";
    return 1;
  }
  const std::string rulesText = readFile(args[1].c_str());
  const auto load = [&] { return nova::rules::load(rulesText, args[1]); };
  auto ruleSet = load();
  if (!ruleSet.ok()) {
    std::cerr << ruleSet.error().message << "\n";
    return 1;
  }
  samples->push_back({nova::Labels{{"__name__", "nova_agent_health_up"}}, 1, {}, {}});
  samples->push_back({nova::Labels{{"__name__", "nova_data_loss_events_total"}}, 0, {}, {}});

  nova::tsdb::Storage storage;
  Target target(std::move(*samples), storage);
  Loop loop{target, storage, 1'700'000'000'000};
  const double loadStart = wallMs();
  while (loop.scrape < minutes * 60) {
    target.scrape(loop.scrape, loop.start + loop.scrape * nova::kSecond);
    ++loop.scrape;
  }
  const double loadSeconds = (wallMs() - loadStart) / 1000;
  const auto stats = storage.stats();

  using nova::rules::Evaluation;
  const Timings scratch =
      onlyIncremental ? Timings{} : loop.run(*ruleSet, rounds, Evaluation::kFromScratch);
  Timings incremental;
  if (!onlyFromScratch) {
    incremental = loop.run(*ruleSet, rounds, Evaluation::kIncremental);
    // Where a round's time goes, rule by rule: each rule alone in a set of its own (so with
    // windows of its own), over rounds that each follow a scrape.
    for (std::size_t r = 0; r < ruleSet->rules.size(); ++r) {
      auto single = load();
      single->rules = {single->rules[r]};
      const Timings one = loop.run(*single, std::max(1, rounds / 10), Evaluation::kIncremental);
      std::printf("  %-28s cpu_median_ms=%.3f cpu_max_ms=%.3f\n", single->rules[0].name.c_str(),
                  percentile(one.cpu, 0.5), percentile(one.cpu, 1.0));
    }
  }
  const Timings& last = onlyFromScratch ? scratch : incremental;
  std::printf("store: %zu series, %zu samples, %.0f MB, loaded in %.1f s\n", stats.series,
              stats.samples, static_cast<double>(stats.bytes) / 1e6, loadSeconds);
  std::printf("rules: %zu (%zu breaching), rounds: %d per mode, each after one scrape\n",
              ruleSet->rules.size(), last.breaching, rounds);
  if (!onlyIncremental) {
    report("from-scratch:", scratch);
  }
  if (!onlyFromScratch) {
    report("incremental:", incremental);
  }
  std::printf(
      "eval-round-10k-15m: cpu_median_ms=%.3f cpu_p99_ms=%.3f wall_median_ms=%.3f "
      "wall_p99_ms=%.3f target_ms=5\n",
      percentile(last.cpu, 0.5), percentile(last.cpu, 0.99), percentile(last.wall, 0.5),
      percentile(last.wall, 0.99));
  return 0;
}
