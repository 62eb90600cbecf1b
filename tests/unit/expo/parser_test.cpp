#include "nova/expo/parser.h"

#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <string>
#include <vector>

#include "dump.h"
#include "nova/core/sample.h"

using nova::expo::MetricType;
using nova::expo::Parser;
using nova::expo::SampleView;
using nova::expo::testing::dumpAll;

namespace {

struct Golden {
  const char* name;
  std::string input;
  std::string expected;
};

}  // namespace

TEST_CASE("golden: valid bodies") {
  const std::vector<Golden> cases = {
      {"plain sample", "up 1\n", "untyped up{} 1\n"},
      {"no final newline", "up 1", "untyped up{} 1\n"},
      {"labels and timestamp",
       "http_requests_total{code=\"200\",method=\"get\"} 1027 1395066363000\n",
       "untyped http_requests_total{code=\"200\",method=\"get\"} 1027 @1395066363000\n"},
      {"empty label block", "a{} 3\n", "untyped a{} 3\n"},
      {"colons and underscores", "some:aggregate:rate5m{a_b=\"c\"}\t1\n_m 2\n",
       "untyped some:aggregate:rate5m{a_b=\"c\"} 1\nuntyped _m{} 2\n"},
      {"blanks everywhere", "  m { a = \"1\" , b= \"2\", } \t 5 \t 17  \n\n   \n\t\n",
       "untyped m{a=\"1\",b=\"2\"} 5 @17\n"},
      {"unknown escapes stay as written, as in Prometheus", "m{path=\"C:\\q\\\\x\\\"\"} 1\n",
       "untyped m{path=\"C:\\\\q\\\\x\\\"\"} 1\n"},
      {"a repeated TYPE: the last one wins", "# TYPE a counter\n# TYPE a gauge\na 1\n",
       "gauge a{} 1\n"},
      {"trailing comma", "m{a=\"1\",} 5\n", "untyped m{a=\"1\"} 5\n"},
      {"labels without comma as Prometheus accepts", "m{a=\"1\" b=\"2\"} 5\n",
       "untyped m{a=\"1\",b=\"2\"} 5\n"},
      {"escapes in label values", "m{a=\"x\\\\y\",b=\"say \\\"hi\\\"\",c=\"1\\n2\"} 1\n",
       "untyped m{a=\"x\\\\y\",b=\"say \\\"hi\\\"\",c=\"1\\n2\"} 1\n"},
      {"utf-8 and spaces in values", "m{a=\"Grüße; 10€ \u2603\"} 1\n",
       "untyped m{a=\"Grüße; 10€ \u2603\"} 1\n"},
      {"empty value kept in the view", "m{a=\"\"} 1\n", "untyped m{a=\"\"} 1\n"},
      {"special values", "a NaN\nb +Inf\nc -Inf\nd Inf\ne inf\nf -infinity\ng nan\n",
       "untyped a{} NaN\nuntyped b{} inf\nuntyped c{} -inf\nuntyped d{} inf\nuntyped e{} inf\n"
       "untyped f{} -inf\nuntyped g{} NaN\n"},
      {"number forms",
       "a 1.5e3\nb -2E-2\nc .5\nd 5.\ne +7\nf 0.000135819\ng 1.9429106442e+10\nh 1e-400\n",
       "untyped a{} 1500\nuntyped b{} -0.02\nuntyped c{} 0.5\nuntyped d{} 5\nuntyped e{} 7\n"
       "untyped f{} 0.000135819\nuntyped g{} 19429106442\nuntyped h{} 0\n"},
      {"long mantissa", "a 0.30000000000000004441\nb 123456789012345678901234\n",
       "untyped a{} 0.30000000000000004\nuntyped b{} 1.2345678901234569e+23\n"},
      {"comments are skipped, # EOF is a comment",
       "# just a comment\n#\n#HELP not meta\n# HELPER x y\n# EOF\nup 1\n# EOF\n",
       "untyped up{} 1\n"},
      {"counter family with _total and _created",
       "# HELP req Requests.\n# TYPE req counter\nreq_total 3\nreq_created 1.7e9\nreq 4\n"
       "other 1\n",
       "counter req_total{} 3\ncounter req_created{} 1.7e+09\ncounter req{} 4\n"
       "untyped other{} 1\n"},
      {"gauge family", "# TYPE temp gauge\ntemp{room=\"a\"} -3.5\ntemp_total 1\n",
       "gauge temp{room=\"a\"} -3.5\nuntyped temp_total{} 1\n"},
      {"histogram le normalized",
       "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"0.5\"} 0\nh_bucket{le=\"2.50\"} 2\n"
       "h_bucket{le=\"1e6\"} 3\nh_bucket{le=\"100000\"} 3\nh_bucket{le=\"0.00001\"} 0\n"
       "h_bucket{le=\"+Inf\"} 4\nh_bucket{le=\"Inf\"} 4\nh_bucket{le=\"nope\"} 4\nh_sum 7\n"
       "h_count 4\n",
       "histogram h_bucket{le=\"1.0\"} 1\nhistogram h_bucket{le=\"0.5\"} 0\n"
       "histogram h_bucket{le=\"2.5\"} 2\nhistogram h_bucket{le=\"1e+06\"} 3\n"
       "histogram h_bucket{le=\"100000.0\"} 3\nhistogram h_bucket{le=\"1e-05\"} 0\n"
       "histogram h_bucket{le=\"+Inf\"} 4\nhistogram h_bucket{le=\"+Inf\"} 4\n"
       "histogram h_bucket{le=\"nope\"} 4\nhistogram h_sum{} 7\nhistogram h_count{} 4\n"},
      {"summary quantile normalized",
       "# TYPE s summary\ns{quantile=\"0\"} 1\ns{quantile=\"0.99\"} 2\ns{quantile=\"1\"} 3\n"
       "s_sum 4\ns_count 5\n",
       "summary s{quantile=\"0.0\"} 1\nsummary s{quantile=\"0.99\"} 2\n"
       "summary s{quantile=\"1.0\"} 3\nsummary s_sum{} 4\nsummary s_count{} 5\n"},
      {"untyped families keep le and quantile as written",
       "x_bucket{le=\"1\"} 1\ny{quantile=\"0\"} 2\n# TYPE g gauge\ng{le=\"1\"} 1\n",
       "untyped x_bucket{le=\"1\"} 1\nuntyped y{quantile=\"0\"} 2\ngauge g{le=\"1\"} 1\n"},
      {"escaped le in histogram", "# TYPE h histogram\nh_bucket{le=\"1\\n\"} 1\n",
       "histogram h_bucket{le=\"1\\n\"} 1\n"},
      {"quoted metric name", "{\"my.metric\", a=\"b\"} 1\n{ \"x.y\" } 2\n",
       "untyped my.metric{a=\"b\"} 1\nuntyped x.y{} 2\n"},
      {"quoted label name", "m{\"k.1\"=\"v\",\"esc\\\"q\"=\"w\"} 1\n",
       "untyped m{k.1=\"v\",esc\"q=\"w\"} 1\n"},
      {"quoted names in metadata",
       "# HELP \"go.gc\" Pause times.\n# TYPE \"go.gc\" summary\n{\"go.gc\",quantile=\"1\"} 8\n",
       "summary go.gc{quantile=\"1.0\"} 8\n"},
      {"TYPE without HELP, HELP after TYPE",
       "# TYPE a counter\n# HELP a Help.\na 1\n# HELP b B.\nb 2\n",
       "counter a{} 1\nuntyped b{} 2\n"},
      {"empty body", "", ""},
      {"only blank lines", "\n\n  \n", ""},
  };
  for (const Golden& c : cases) {
    CAPTURE(std::string(c.name));
    CHECK(dumpAll(c.input) == c.expected);
  }
}

TEST_CASE("the sample view carries series text, help, line and canonical NaN") {
  const std::string body =
      "# HELP rq Total\\nrequests \\\\ \\x.\n# TYPE rq counter\n\nrq_total{a=\"1\"} NaN 5\n"
      "rq_total {b=\"2\"} 1\n";
  Parser parser(body);
  SampleView s;
  REQUIRE(parser.next(s));
  CHECK(s.series == "rq_total{a=\"1\"}");
  CHECK(s.name == "rq_total");
  CHECK(s.help == "Total\nrequests \\ \\x.");
  CHECK(nova::expo::toString(s.type) == "counter");
  CHECK(s.line == 4);
  CHECK(std::isnan(s.value));
  CHECK_FALSE(nova::isStaleNaN(s.value));
  CHECK(std::bit_cast<std::uint64_t>(s.value) == 0x7ff8000000000001ULL);
  REQUIRE(s.timestamp.has_value());
  CHECK(*s.timestamp == 5);
  REQUIRE(parser.next(s));
  CHECK(s.series == "rq_total {b=\"2\"}");
  CHECK(s.line == 5);
  CHECK_FALSE(s.timestamp.has_value());
  CHECK_FALSE(parser.next(s));
  CHECK_FALSE(parser.error().has_value());
  CHECK(parser.samplesSeen() == 2);
}

TEST_CASE("unescaped label values are views into the body") {
  const std::string body = "m{a=\"plain\",b=\"esc\\\\aped\"} 1\n";
  Parser parser(body);
  SampleView s;
  REQUIRE(parser.next(s));
  REQUIRE(s.labels.size() == 2);
  const char* begin = body.data();
  const char* end = body.data() + body.size();
  CHECK(s.labels[0].value.data() >= begin);
  CHECK(s.labels[0].value.data() < end);
  CHECK(s.labels[1].value == "esc\\aped");
  CHECK((s.labels[1].value.data() < begin || s.labels[1].value.data() >= end));
}

TEST_CASE("HELP text keeps blanks after the first separator and may be empty") {
  Parser a("# HELP m   spaced  \nm 1\n");
  SampleView s;
  REQUIRE(a.next(s));
  CHECK(s.help == "  spaced  ");
  Parser b("# HELP m\nm 1\n# HELP n \nn 2\n");
  REQUIRE(b.next(s));
  CHECK(s.help.empty());
  REQUIRE(b.next(s));
  CHECK(s.help.empty());
}

TEST_CASE("parseAll materializes labels with __name__ and drops empty values") {
  const auto result = nova::expo::parseAll(
      "# TYPE h histogram\nh_bucket{le=\"1\",job=\"x\",e=\"\"} 2 10\n{\"a.b\"} 3\n");
  REQUIRE(result.ok());
  REQUIRE(result->size() == 2);
  const auto& first = (*result)[0];
  CHECK(first.labels.toString() == "h_bucket{job=\"x\", le=\"1.0\"}");
  CHECK(first.value == 2);
  CHECK(first.timestamp == 10);
  CHECK(nova::expo::toString(first.type) == "histogram");
  CHECK((*result)[1].labels.metricName() == "a.b");
  CHECK(nova::expo::toString((*result)[1].type) == "untyped");
}

TEST_CASE("parseAll reports the error with line and column") {
  const auto result = nova::expo::parseAll("up 1\nup{a=b} 1\n");
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code == nova::ErrorCode::kInvalidInput);
  CHECK(result.error().message == "2:6: expected '\"' to start label value, got 'b'");
}

TEST_CASE("metric type names") {
  CHECK(nova::expo::toString(MetricType::kUntyped) == "untyped");
  CHECK(nova::expo::toString(MetricType::kCounter) == "counter");
  CHECK(nova::expo::toString(MetricType::kGauge) == "gauge");
  CHECK(nova::expo::toString(MetricType::kHistogram) == "histogram");
  CHECK(nova::expo::toString(MetricType::kSummary) == "summary");
}

TEST_CASE("samples name their family") {
  Parser parser(
      "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_count 1\nhx 2\n"
      "# TYPE \"q.\\\"x\" summary\n{\"q.\\\"x_sum\"} 3\n");
  SampleView s;
  REQUIRE(parser.next(s));
  CHECK(s.family == "h");
  REQUIRE(parser.next(s));
  CHECK(s.family == "h");
  REQUIRE(parser.next(s));
  CHECK(s.family == "hx");
  CHECK(nova::expo::toString(s.type) == "untyped");
  REQUIRE(parser.next(s));
  CHECK(s.name == "q.\"x_sum");
  CHECK(s.family == "q.\"x");
  CHECK(nova::expo::toString(s.type) == "summary");
}
