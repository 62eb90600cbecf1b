// Round-trip property over generated queries: whenever a query parses, its printed form
// parses again and prints identically.
#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <string>

#include "nova/promql/parser.h"

namespace {

class QueryGenerator {
 public:
  explicit QueryGenerator(std::uint32_t seed) : rng_(seed) {}

  std::string expr(int depth) {
    if (depth <= 0) {
      return leaf();
    }
    switch (pick(9)) {
      case 0:
        return expr(depth - 1) + " " + binaryOp() + " " + expr(depth - 1);
      case 1:
        return "(" + expr(depth - 1) + ")";
      case 2:
        return "-" + expr(depth - 1);
      case 3:
        return aggregation(depth);
      case 4:
        return rangeFunction() + "(" + selector() + "[" + duration() + "])";
      case 5:
        return "abs(" + expr(depth - 1) + ")";
      case 6:
        return "clamp_min(" + expr(depth - 1) + ", " + number() + ")";
      case 7:
        return "max_over_time((" + expr(depth - 1) + ")[" + duration() + ":" +
               (pick(2) == 0 ? duration() : "") + "])";
      default:
        return leaf();
    }
  }

 private:
  std::size_t pick(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
  }

  template <std::size_t N>
  std::string one(const char* const (&options)[N]) {
    return options[pick(N)];
  }

  std::string leaf() {
    switch (pick(4)) {
      case 0:
        return number();
      case 1:
        return selector() + (pick(3) == 0 ? " offset " + duration() : "");
      case 2:
        return "time()";
      default:
        return selector();
    }
  }

  std::string number() {
    static const char* const kNumbers[] = {"0",   "1",   "2.5", ".5",    "1e3",      "0x10",
                                           "Inf", "NaN", "-1",  "1e-07", "123456789"};
    return one(kNumbers);
  }

  std::string duration() {
    static const char* const kDurations[] = {"5m", "1h30m", "30s", "1d", "90s", "250ms", "10"};
    return one(kDurations);
  }

  std::string selector() {
    static const char* const kSelectors[] = {"up",
                                             "http_requests_total{job=\"api\"}",
                                             "x{a=~\"b.*\", c!=\"d\"}",
                                             "{__name__=\"y\"}",
                                             "z{e!~\"f|g\"}",
                                             "a:b:c",
                                             "sum",
                                             "q{s='t\\n'}"};
    return one(kSelectors);
  }

  std::string binaryOp() {
    static const char* const kOps[] = {"+",
                                       "-",
                                       "*",
                                       "/",
                                       "%",
                                       "^",
                                       "==",
                                       "!= bool",
                                       "> bool",
                                       "<",
                                       ">=",
                                       "<=",
                                       "and",
                                       "or",
                                       "unless",
                                       "atan2",
                                       "* on(job)",
                                       "/ ignoring(a) group_left(b)",
                                       "+ on() group_right"};
    return one(kOps);
  }

  std::string rangeFunction() {
    static const char* const kFns[] = {"rate",  "irate",         "increase",      "delta",
                                       "deriv", "avg_over_time", "last_over_time"};
    return one(kFns);
  }

  std::string aggregation(int depth) {
    static const char* const kAggs[] = {"sum", "avg", "min", "max", "count", "group"};
    std::string op = one(kAggs);
    switch (pick(3)) {
      case 0:
        return op + " by (job, a) (" + expr(depth - 1) + ")";
      case 1:
        return op + "(" + expr(depth - 1) + ") without (b)";
      default:
        return op + "(" + expr(depth - 1) + ")";
    }
  }

  std::mt19937 rng_;
};

}  // namespace

TEST_CASE("round trip: print(parse(q)) is a fixed point for generated queries") {
  nova::promql::ParseOptions options;
  options.allowOutsideSubset = true;
  QueryGenerator gen(20240611);
  int parsed = 0;
  constexpr int kQueries = 3000;
  for (int i = 0; i < kQueries; ++i) {
    const std::string query = gen.expr(1 + i % 4);
    CAPTURE(query);
    auto first = nova::promql::parse(query, options);
    if (!first.ok()) {
      continue;
    }
    ++parsed;
    const std::string printed = nova::promql::toString(first.expr());
    auto second = nova::promql::parse(printed, options);
    REQUIRE_MESSAGE(second.ok(), std::string(printed + " -> " + second.error().toString()));
    CHECK(nova::promql::toString(second.expr()) == printed);
    CHECK((second.expr().type() == first.expr().type()));
  }
  // Most generated queries are valid; a generator gone wrong would make this vacuous.
  CHECK(parsed > kQueries / 3);
}
