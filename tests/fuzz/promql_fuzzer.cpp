// Fuzzes the PromQL parser and the evaluator: any input must parse or fail cleanly, whatever
// parses must print to a form that parses again and prints identically, and whatever the
// local engine accepts must evaluate over a small store to a result or a clean error (never
// a broken invariant), within the sample limit however long its ranges.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>

#include "nova/core/sample.h"
#include "nova/promql/engine.h"
#include "nova/promql/parser.h"
#include "nova/tsdb/storage.h"

namespace {

// Ten minutes of 15 s samples: counters with a reset, gauges with NaN and Inf, a stale
// marker, classic histogram buckets (one with a malformed le) and a series without a name.
void fill(nova::tsdb::Storage& s) {
  const nova::Labels series[] = {
      {{"__name__", "x"}, {"job", "a"}},
      {{"__name__", "x"}, {"job", "b"}},
      {{"__name__", "req_total"}, {"code", "200"}},
      {{"__name__", "req_total"}, {"code", "500"}},
      {{"__name__", "h_bucket"}, {"le", "0.1"}},
      {{"__name__", "h_bucket"}, {"le", "1"}},
      {{"__name__", "h_bucket"}, {"le", "+Inf"}},
      {{"__name__", "h_bucket"}, {"le", "x"}},
      {{"job", "a"}},
  };
  int k = 0;
  for (const nova::Labels& labels : series) {
    const auto id = s.getOrCreate(labels);
    for (int i = 0; i <= 40; ++i) {
      double v = (k + 1) * i;
      if (k == 1 && i == 20) {
        v = nova::staleNaN();
      } else if (k == 1 && i % 7 == 0) {
        v = i % 2 == 0 ? std::numeric_limits<double>::quiet_NaN()
                       : std::numeric_limits<double>::infinity();
      } else if (k == 3 && i > 25) {
        v = i - 25;  // a counter reset
      }
      s.append(*id, i * 15 * nova::kSecond, v);
    }
    ++k;
  }
}

const nova::tsdb::Storage& store() {
  static nova::tsdb::Storage storage(nova::tsdb::Limits{.retention = 0});
  static const bool filled = (fill(storage), true);
  (void)filled;
  return storage;
}

void mustNotBreak(const nova::Error& e, std::string_view query) {
  if (e.code == nova::ErrorCode::kInternal) {
    std::fprintf(stderr, "internal error for %.*s: %s\n", static_cast<int>(query.size()),
                 query.data(), e.message.c_str());
    std::abort();
  }
}

void evaluate(const nova::promql::Expr& expr, std::string_view query) {
  const nova::promql::Engine engine(nova::promql::EngineOptions{.maxSamples = 200'000});
  nova::promql::Annotations annotations;
  for (nova::TimestampMs t : {nova::TimestampMs{0}, 5 * nova::kMinute, 20 * nova::kMinute}) {
    auto instant = engine.instant(expr, store(), t, &annotations);
    if (!instant.ok()) {
      mustNotBreak(instant.error(), query);
    }
  }
  const nova::promql::ValueType type = expr.type();
  if (type == nova::promql::ValueType::kScalar || type == nova::promql::ValueType::kVector) {
    auto range = engine.range(expr, store(), 0, 10 * nova::kMinute, nova::kMinute, &annotations);
    if (!range.ok()) {
      mustNotBreak(range.error(), query);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view query(reinterpret_cast<const char*>(data), size);
  nova::promql::ParseOptions options;
  options.allowOutsideSubset = true;
  auto first = nova::promql::parse(query, options);
  // The local-subset mode must agree on everything but the subset refusal.
  auto local = nova::promql::parse(query);
  if (local.ok() && !first.ok()) {
    std::fprintf(stderr, "local subset accepted what the full parser refused\n");
    std::abort();
  }
  if (!first.ok()) {
    const nova::promql::ParseError& e = first.error();
    if (e.line < 1 || e.column < 1 || e.message.empty()) {
      std::fprintf(stderr, "malformed error %s\n", e.toString().c_str());
      std::abort();
    }
    return 0;
  }
  const std::string printed = nova::promql::toString(first.expr());
  auto second = nova::promql::parse(printed, options);
  if (!second.ok()) {
    std::fprintf(stderr, "printed form does not parse:\n%s\n%s\n", printed.c_str(),
                 second.error().toString().c_str());
    std::abort();
  }
  const std::string reprinted = nova::promql::toString(second.expr());
  if (reprinted != printed) {
    std::fprintf(stderr, "print is not a fixed point:\n%s\n%s\n", printed.c_str(),
                 reprinted.c_str());
    std::abort();
  }
  if (second.expr().type() != first.expr().type()) {
    std::fprintf(stderr, "type changed through printing: %s\n", printed.c_str());
    std::abort();
  }
  if (local.ok()) {
    evaluate(local.expr(), query);
  }
  return 0;
}
