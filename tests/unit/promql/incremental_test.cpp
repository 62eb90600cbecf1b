// Incremental evaluation (series lists and running windows kept from round to round)
// returns exactly what a from-scratch evaluation returns, bit for bit, over random series
// that have gaps, counter resets, NaN, -0, stale markers, out-of-order appends, and series
// that appear and disappear, evaluated tick after tick with time jumping and going back.
#include "nova/promql/incremental.h"

#include <doctest/doctest.h>

#include <bit>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "nova/core/sample.h"
#include "nova/promql/engine.h"
#include "nova/promql/parser.h"
#include "nova/tsdb/storage.h"

namespace nova::promql {
namespace {

// A result printed with every value's exact bits (NaN payloads too).
std::string dump(const Result<Value>& result) {
  if (!result.ok()) {
    return "error: " + result.error().message;
  }
  const auto bits = [](double v) { return std::to_string(std::bit_cast<std::uint64_t>(v)); };
  std::string out;
  if (const auto* s = std::get_if<Scalar>(&*result)) {
    return "scalar " + bits(s->v);
  }
  if (const auto* v = std::get_if<Vector>(&*result)) {
    for (const auto& e : *v) {
      out += e.labels.toString() + "=" + bits(e.v) + "\n";
    }
    return out;
  }
  return "other";
}

constexpr std::string_view kQueries[] = {
    "rate(c[1m])",
    "increase(c[30s])",
    "delta(g[45s])",
    "rate(c{k=~\"a|b\"}[20s])",
    "sum(rate(c[1m]))",
    "max_over_time(g[1m])",
    "min_over_time(g[2m] offset 10s)",
    "max_over_time(g[30s] @ 200)",
    "quantile_over_time(0.9, g[1m])",
    "quantile_over_time(0.5, g[20s])",
    "quantile_over_time(0, g[40s])",
    "quantile_over_time(1, g[40s])",
    "quantile_over_time(1.5, g[40s])",
    "quantile_over_time(scalar(max(q)), g[1m])",
    "sum(quantile_over_time(0.25, g[3m])) / sum(max_over_time(g[3m]))",
    "max_over_time(rate(c[30s])[1m:10s])",
    "count(present_over_time(g[30s] offset 1m))",
    "count_over_time(c[45s])",
    "last_over_time(g[15s])",
    "rate(c[40s] offset 30s)",
    "rate(nothing[1m])",
};

// One random store, written tick by tick.
class RandomStore {
 public:
  RandomStore(std::uint32_t seed, DurationMs retention)
      : storage_(tsdb::Limits{.retention = retention}), rng_(seed) {}

  tsdb::Storage& storage() { return storage_; }
  TimestampMs now() const { return now_; }

  // Moves time on (usually a second, sometimes a gap) and appends what the series do.
  void tick() {
    now_ += chance(0.05) ? kSecond * static_cast<DurationMs>(pick(2, 150)) : kSecond;
    if (chance(0.03) || names_.empty()) {
      const bool counter = chance(0.5);
      names_.push_back(Labels{{"__name__", counter ? "c" : "g"},
                              {"i", std::to_string(names_.size())},
                              {"k", std::string(1, static_cast<char>('a' + pick(0, 4)))}});
      counters_.push_back(counter);
      values_.push_back(0);
      alive_.push_back(true);
    }
    for (std::size_t i = 0; i < names_.size(); ++i) {
      if (!alive_[i]) {
        continue;
      }
      if (chance(0.01)) {
        alive_[i] = false;  // the series disappears: a stale marker, then nothing
        append(i, now_, staleNaN());
        continue;
      }
      if (chance(0.1)) {
        continue;  // a gap
      }
      append(i, now_, next(i));
      if (chance(0.02)) {
        // Out of order: an older timestamp, inserted or replacing.
        append(i, now_ - kSecond * static_cast<DurationMs>(pick(0, 40)), next(i));
      }
    }
    const auto q = storage_.getOrCreate(Labels{{"__name__", "q"}});
    storage_.append(*q, now_, static_cast<double>(pick(0, 10)) / 10);
  }

 private:
  bool chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

  double next(std::size_t i) {
    double& v = values_[i];
    const int r = pick(0, 99);
    if (r < 2) {
      return std::numeric_limits<double>::quiet_NaN();
    }
    if (r < 4) {
      return -0.0;
    }
    if (r < 6) {
      v = 0;  // a counter reset
      return v;
    }
    if (r < 8) {
      return std::numeric_limits<double>::infinity();
    }
    if (counters_[i]) {
      v += pick(0, 3) == 0 ? 0 : pick(1, 20) * 0.25;
    } else {
      v = pick(0, 12) * 0.5 - 2;  // a gauge repeating a few values, some negative
    }
    return v;
  }

  void append(std::size_t i, TimestampMs t, double v) {
    const auto id = storage_.getOrCreate(names_[i]);
    if (id) {
      storage_.append(*id, t, v);
    }
  }

  tsdb::Storage storage_;
  std::mt19937 rng_;
  TimestampMs now_ = 0;
  std::vector<Labels> names_;
  std::vector<bool> counters_;
  std::vector<double> values_;
  std::vector<bool> alive_;
};

void compareOverTicks(std::uint32_t seed, DurationMs retention, int ticks) {
  RandomStore store(seed, retention);
  const Engine engine;
  std::vector<ExprPtr> exprs;
  for (std::string_view text : kQueries) {
    auto parsed = parse(text, ParseOptions{.allowOutsideSubset = true});
    REQUIRE_MESSAGE(parsed.ok(), text);
    exprs.push_back(parsed.release());
  }
  IncrementalState incremental;
  std::mt19937 rng(seed + 1);
  for (int tick = 0; tick < ticks; ++tick) {
    store.tick();
    TimestampMs t = store.now();
    const int r = std::uniform_int_distribution<int>(0, 99)(rng);
    if (r < 3) {
      t -= 30 * kSecond;  // evaluated in the past: time goes back
    } else if (r < 5) {
      t += 500;  // between samples
    }
    // Twice at some ticks: the same time again.
    for (int again = 0; again < (r == 99 ? 2 : 1); ++again) {
      EvalCache cache;
      for (std::size_t q = 0; q < exprs.size(); ++q) {
        const std::string expected = dump(engine.instant(*exprs[q], store.storage(), t));
        const std::string got =
            dump(engine.instant(*exprs[q], store.storage(), t, cache, incremental));
        if (expected != got) {
          FAIL_CHECK("seed " << seed << " tick " << tick << " t " << t << ": " << kQueries[q]
                             << "\nfrom scratch:\n"
                             << expected << "incremental:\n"
                             << got);
          return;
        }
      }
    }
  }
  // The windows did slide most of the time, or the test proves little.
  CHECK(incremental.windowsSlid() > incremental.windowsRebuilt());
}

TEST_CASE("incremental evaluation equals from-scratch evaluation on random series") {
  for (std::uint32_t seed = 1; seed <= 12; ++seed) {
    CAPTURE(seed);
    compareOverTicks(seed, 0, 400);
  }
}

TEST_CASE("incremental evaluation equals from-scratch evaluation while retention trims") {
  // A retention shorter than some windows: the store trims samples a window still holds.
  for (std::uint32_t seed = 100; seed <= 106; ++seed) {
    CAPTURE(seed);
    compareOverTicks(seed, 100 * kSecond, 400);
  }
}

TEST_CASE("a store's layout version changes on everything but in-order appends") {
  tsdb::Storage storage;
  const std::uint64_t empty = storage.layoutVersion();
  const auto id = storage.getOrCreate(Labels{{"__name__", "x"}});
  const std::uint64_t created = storage.layoutVersion();
  CHECK(created != empty);
  storage.append(*id, 10 * kSecond, 1);
  storage.append(*id, 11 * kSecond, 2);
  CHECK(storage.layoutVersion() == created);
  storage.append(*id, 11 * kSecond, 3);  // replaces
  const std::uint64_t replaced = storage.layoutVersion();
  CHECK(replaced != created);
  storage.append(*id, 5 * kSecond, 3);  // out of order
  CHECK(storage.layoutVersion() != replaced);
  tsdb::Storage other;
  CHECK(other.layoutVersion() != storage.layoutVersion());
}

}  // namespace
}  // namespace nova::promql
