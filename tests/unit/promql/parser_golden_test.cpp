// Golden tests: each query parses and prints back in canonical form, and the canonical
// form is a fixed point (it parses to a tree that prints the same).
#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "nova/promql/parser.h"

namespace {

using nova::promql::parse;
using nova::promql::ParseOptions;

struct Golden {
  std::string_view input;
  std::string_view canonical;
};

constexpr Golden kGolden[] = {
    // Literals.
    {"1", "1"},
    {"1.5", "1.5"},
    {".5", "0.5"},
    {"1.", "1"},
    {"1e3", "1000"},
    {"1E-3", "0.001"},
    {"0x1f", "31"},
    {"0X1F", "31"},
    {"010", "8"},
    {"09", "9"},
    {"1_000", "1000"},
    {"1e+06", "1e+06"},
    {"Inf", "Inf"},
    {"inf", "Inf"},
    {"-Inf", "-Inf"},
    {"NaN", "NaN"},
    {"nAn", "NaN"},
    {"-1", "-1"},
    {"+1", "1"},
    {"- -1", "1"},
    {"-(1)", "-(1)"},
    {"\"abc\"", "\"abc\""},
    {"'abc'", "\"abc\""},
    {"`a\\nb`", "\"a\\\\nb\""},
    {"\"a\\n\\t\\\"\"", "\"a\\n\\t\\\"\""},
    {"'it\\'s'", "\"it's\""},
    {"\"\\x41\\101\\u00e9\\U0001F600\"", "\"AAé😀\""},
    {"\"\\a\\b\\f\\v\\r\"", "\"\\a\\b\\f\\v\\r\""},
    // Selectors.
    {"foo", "foo"},
    {"foo{}", "foo"},
    {"foo:bar:rate5m", "foo:bar:rate5m"},
    {"foo{job=\"api\"}", "foo{job=\"api\"}"},
    {"foo{ job = 'api' , }", "foo{job=\"api\"}"},
    {"foo{a=\"1\",b!=\"2\",c=~\"3.*\",d!~\"4\"}", "foo{a=\"1\", b!=\"2\", c=~\"3.*\", d!~\"4\"}"},
    {"{__name__=\"foo\"}", "{__name__=\"foo\"}"},
    {"{__name__=~\"foo.*\", job=\"x\"}", "{__name__=~\"foo.*\", job=\"x\"}"},
    {"{\"foo.bar\"}", "{__name__=\"foo.bar\"}"},
    {"{\"foo.bar\", \"host.name\"=\"a\"}", "{__name__=\"foo.bar\", \"host.name\"=\"a\"}"},
    {"foo{on=\"x\", by=\"y\", sum=\"z\"}", "foo{on=\"x\", by=\"y\", sum=\"z\"}"},
    {"sum", "sum"},
    {"by{a=\"b\"}", "by{a=\"b\"}"},
    {"foo # a comment\n + bar", "foo + bar"},
    {"foo offset 5m", "foo offset 5m"},
    {"foo offset -1h30m", "foo offset -1h30m"},
    {"foo OFFSET 90s", "foo offset 1m30s"},
    {"foo offset 1d", "foo offset 1d"},
    {"foo[5m]", "foo[5m]"},
    {"foo[ 5m ]", "foo[5m]"},
    {"foo[1h30m]", "foo[1h30m]"},
    {"foo[90s]", "foo[1m30s]"},
    {"foo[5]", "foo[5s]"},
    {"foo[1.5]", "foo[1s500ms]"},
    {"foo[5m] offset 1m", "foo[5m] offset 1m"},
    {"foo{a=\"b\"}[5m] offset 10", "foo{a=\"b\"}[5m] offset 10s"},
    {"foo @ 100", "foo @ 100.000"},
    {"foo @ 1.5 offset 1m", "foo @ 1.500 offset 1m"},
    {"foo offset 1m @ -2", "foo @ -2.000 offset 1m"},
    {"foo[5m] @ 100", "foo[5m] @ 100.000"},
    {"foo @ 5m", "foo @ 300.000"},
    {"foo @ start()", "foo @ start()"},
    {"foo[5m] @ END() offset 1m", "foo[5m] @ end() offset 1m"},
    {"rate(x[1m])[5m:] @ start()", "rate(x[1m])[5m:] @ start()"},
    {"info(up, {k8s_cluster=~\".*\"})", "info(up, {k8s_cluster=~\".*\"})"},
    {"start", "start"},
    {"foo offset +5m", "foo offset 5m"},
    {"foo offset -2^2", "foo offset -2s ^ 2"},
    {"time() - 5m", "time() - 300"},
    {"foo[0.5]", "foo[500ms]"},
    // Subqueries.
    {"foo[5m:1m]", "foo[5m:1m]"},
    {"foo[5m:]", "foo[5m:]"},
    {"rate(foo[1m])[10m:30s] offset 2m", "rate(foo[1m])[10m:30s] offset 2m"},
    {"(a + b)[5m:]", "(a + b)[5m:]"},
    {"max_over_time(rate(x[1m])[5m:])", "max_over_time(rate(x[1m])[5m:])"},
    // Calls.
    {"rate(foo[5m])", "rate(foo[5m])"},
    {"time()", "time()"},
    {"clamp(foo, 0, 1)", "clamp(foo, 0, 1)"},
    {"round(foo)", "round(foo)"},
    {"round(foo, 0.5)", "round(foo, 0.5)"},
    {"histogram_quantile(0.99, sum by (le) (rate(h_bucket[5m])))",
     "histogram_quantile(0.99, sum by (le) (rate(h_bucket[5m])))"},
    {"label_join(up, \"a\", \",\", \"b\", \"c\", \"d\")",
     "label_join(up, \"a\", \",\", \"b\", \"c\", \"d\")"},
    {"absent(nonexistent{job=\"x\"})", "absent(nonexistent{job=\"x\"})"},
    {"vector(1)", "vector(1)"},
    {"scalar(foo) * 2", "scalar(foo) * 2"},
    // Aggregations.
    {"sum(rate(x[5m])) by (job)", "sum by (job) (rate(x[5m]))"},
    {"sum by (job) (rate(x[5m]))", "sum by (job) (rate(x[5m]))"},
    {"sum without (instance, job) (x)", "sum without (instance, job) (x)"},
    {"sum(x) without (a,)", "sum without (a) (x)"},
    {"sum by () (x)", "sum(x)"},
    {"sum without () (x)", "sum without () (x)"},
    {"SUM BY (a) (x)", "sum by (a) (x)"},
    {"avg(x)", "avg(x)"},
    {"count by (sum, by, on) (x)", "count by (sum, by, on) (x)"},
    {"sum by (\"host.name\") (x)", "sum by (\"host.name\") (x)"},
    {"topk(5, x)", "topk(5, x)"},
    {"topk by (a) (5, x)", "topk by (a) (5, x)"},
    {"quantile(0.9, x) by (a)", "quantile by (a) (0.9, x)"},
    {"count_values(\"v\", x)", "count_values(\"v\", x)"},
    {"group(x)", "group(x)"},
    {"stddev(x) + stdvar(x)", "stddev(x) + stdvar(x)"},
    // Binary operators, precedence and associativity.
    {"1 + 2 * 3", "1 + 2 * 3"},
    {"(1 + 2) * 3", "(1 + 2) * 3"},
    {"a - b - c", "a - b - c"},
    {"a / b % c", "a / b % c"},
    {"2 ^ 3 ^ 2", "2 ^ 3 ^ 2"},
    {"-2 ^ 2", "-2 ^ 2"},
    {"-a * b", "-a * b"},
    {"a * -b", "a * -b"},
    {"a atan2 b", "a atan2 b"},
    {"a ATAN2 b", "a atan2 b"},
    {"a == bool b", "a == bool b"},
    {"1 > bool 2", "1 > bool 2"},
    {"a>=b", "a >= b"},
    {"a!=b", "a != b"},
    {"a and b or c unless d", "a and b or c unless d"},
    {"a AND b", "a and b"},
    {"a or on (x) b", "a or on (x) b"},
    {"a * on (x) group_left (y) b", "a * on (x) group_left (y) b"},
    {"a * on(x) group_left b", "a * on (x) group_left () b"},
    {"a / ignoring (x) group_right b", "a / ignoring (x) group_right () b"},
    {"a + ignoring () b", "a + b"},
    {"a + on () b", "a + on () b"},
    {"a - on() 1", "a - 1"},
    {"foo offset 5m / bar", "foo offset 5m / bar"},
    {"-rate(foo[5m])", "-rate(foo[5m])"},
    {"+foo", "+foo"},
    {"- - foo", "--foo"},
    {"1 - -1", "1 - -1"},
    // Prometheus's experimental syntax, printed back for Prometheus to evaluate.
    {"increase(x[1m]   anchored)", "increase(x[1m] anchored)"},
    {"x @ 100 smoothed", "x @ 100.000 smoothed"},
    {"x offset -100 smoothed + 0", "x offset -1m40s smoothed + 0"},
    {"a + fill(0) b", "a + fill(0) b"},
    {"a + on(i) group_left fill_left(5) fill_right(NaN) b",
     "a + on (i) group_left () fill_left(5) fill_right(NaN) b"},
    {"a + fill_left(1) fill_right(1) b", "a + fill(1) b"},
    {"x[2m*(10+5)]", "x[2m*(10+5)]"},
    {"x[29s+1s:20*500ms] offset -(20*8000ms)", "x[29s+1s:20*500ms] offset -(20*8000ms)"},
    {"x offset min_of(step(), 1s)+8000", "x offset min_of(step(), 1s) + 8000"},
    {"x[5m]", "x[5m]"},
};

}  // namespace

TEST_CASE("golden: queries print in canonical form") {
  ParseOptions options;
  options.allowOutsideSubset = true;
  CHECK(std::size(kGolden) >= 80);
  for (const Golden& g : kGolden) {
    CAPTURE(g.input);
    auto result = parse(g.input, options);
    REQUIRE_MESSAGE(result.ok(), result.error().toString());
    CHECK(nova::promql::toString(result.expr()) == g.canonical);
  }
}

TEST_CASE("golden: the canonical form is a fixed point") {
  ParseOptions options;
  options.allowOutsideSubset = true;
  for (const Golden& g : kGolden) {
    CAPTURE(g.input);
    auto first = parse(g.input, options);
    REQUIRE(first.ok());
    const std::string printed = nova::promql::toString(first.expr());
    auto second = parse(printed, options);
    REQUIRE_MESSAGE(second.ok(), second.error().toString());
    CHECK(nova::promql::toString(second.expr()) == printed);
  }
}
