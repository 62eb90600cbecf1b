// Argo Rollouts AnalysisTemplates into agent rules: every condition shape, every refusal.
#include <doctest/doctest.h>

#include "import_test_util.h"

namespace nova::rules {
namespace {

using namespace test;  // importText, loadImported, reported, stateWith, State, kNaN

std::string analysisTemplate(const std::string& metricBody) {
  return R"(apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata:
  name: health
spec:
  args:
    - name: svc
      value: api
    - name: from-rollout
    - name: secret
      valueFrom:
        secretKeyRef: {name: s, key: k}
  metrics:
    - name: m
)" + metricBody;
}

std::string withConditions(const std::string& success, const std::string& failure) {
  std::string body = "      interval: 1m\n";
  if (!success.empty()) {
    body += "      successCondition: \"" + success + "\"\n";
  }
  if (!failure.empty()) {
    body += "      failureCondition: \"" + failure + "\"\n";
  }
  return body + "      provider:\n        prometheus:\n          query: ratio\n";
}

struct Shape {
  std::string success;
  std::string failure;
  // The rule's state when the query returns nothing, NaN, 0.9 and 0.97.
  State empty, nan, low, high;
};

constexpr State kOk = State::kOk;
constexpr State kBreach = State::kBreaching;
constexpr State kUnknown = State::kUnknown;

TEST_CASE("every condition shape fails where Argo fails, and errs where Argo errs") {
  const std::vector<Shape> shapes{
      {"result[0] >= 0.95", "", kUnknown, kBreach, kBreach, kOk},
      {"", "result[0] >= 0.95", kUnknown, kOk, kOk, kBreach},
      {"0.95 <= result[0]", "", kUnknown, kBreach, kBreach, kOk},
      {"asFloat(result[0]) >= 0.95", "", kUnknown, kBreach, kBreach, kOk},
      {"len(result) == 0 || result[0] >= 0.95", "", kOk, kBreach, kBreach, kOk},
      {"len(result) > 0 && result[0] >= 0.95", "", kBreach, kBreach, kBreach, kOk},
      {"isNaN(result[0]) || result[0] >= 0.95", "", kUnknown, kOk, kBreach, kOk},
      {"!isNaN(result[0]) && result[0] >= 0.95", "", kUnknown, kBreach, kBreach, kOk},
      {"len(result) == 0 or isNaN(result[0]) or result[0] >= 0.95", "", kOk, kOk, kBreach, kOk},
      {"", "isNaN(result[0])", kUnknown, kBreach, kOk, kOk},
      {"not isNaN(result[0])", "", kUnknown, kBreach, kOk, kOk},
      {"", "len(result) == 0", kBreach, kOk, kOk, kOk},
      {"len(result) > 0", "", kBreach, kOk, kOk, kOk},
      {"", "len(result) > 0", kOk, kBreach, kBreach, kBreach},
      {"", "result[0] > 0.95 and (result[0] > 0.95)", kUnknown, kOk, kOk, kBreach},
      // Both: failure wins, neither is inconclusive (ok for the agent), errors err.
      {"result[0] < 0.95", "result[0] >= 0.95", kUnknown, kOk, kOk, kBreach},
      {"result[0] >= 0.95", "isNaN(result[0])", kUnknown, kBreach, kOk, kOk},
  };
  for (const Shape& shape : shapes) {
    CAPTURE(shape.success);
    CAPTURE(shape.failure);
    const ImportResult result =
        importText(analysisTemplate(withConditions(shape.success, shape.failure)));
    REQUIRE(result.complete());
    const RuleSet set = loadImported(result);
    REQUIRE(set.rules.size() == 1);
    CHECK((stateWith(set, std::nullopt) == shape.empty));
    CHECK((stateWith(set, kNaN) == shape.nan));
    CHECK((stateWith(set, 0.9) == shape.low));
    CHECK((stateWith(set, 0.97) == shape.high));
  }
}

TEST_CASE("asInt compares the value truncated towards zero, as Argo's int64 conversion") {
  const RuleSet set =
      loadImported(importText(analysisTemplate(withConditions("asInt(result[0]) == 0", ""))));
  CHECK(set.rules[0].expr ==
        "((ratio) - (ratio) % 1) >= -Inf or on() (vector(1) and on() ((ratio) - (ratio) % 1) != "
        "((ratio) - (ratio) % 1))");
  CHECK((stateWith(set, 0.9) == State::kOk));
  CHECK((stateWith(set, -0.9) == State::kOk));
  CHECK((stateWith(set, 1.5) == State::kBreaching));
  CHECK((stateWith(set, kNaN) == State::kBreaching));
}

TEST_CASE("the common shapes read as written") {
  struct Case {
    std::string success, failure, expr, guard, threshold;
  };
  const std::vector<Case> cases{
      {"result[0] >= 0.95", "", "ratio >= -Inf or on() (vector(-Inf) and on() ratio != ratio)", "",
       "< 0.95"},
      {"", "result[0] >= 10", "ratio", "count(ratio >= -Inf) or absent(ratio) or vector(0)",
       ">= 10"},
      {"len(result) == 0 || result[0] >= 0.95", "",
       "ratio >= -Inf or on() (vector(-Inf) and on() ratio != ratio)", "count(ratio) or vector(0)",
       "< 0.95"},
      {"len(result) > 0 && result[0] < 0.05", "", "ratio >= -Inf or on() vector(+Inf)", "",
       ">= 0.05"},
      {"", "len(result) == 0", "count(ratio) or vector(0)", "", "== 0"},
      {"", "isNaN(result[0])", "count(ratio != ratio) or (vector(0) and on() count(ratio))", "",
       "> 0"},
      {"", "len(result) > 0", "count(ratio) or vector(0)", "", "> 0"},
      {"", "result[0] == 3", "ratio", "count(ratio >= -Inf) or absent(ratio) or vector(0)", "== 3"},
      {"result[0] == 3", "", "ratio >= -Inf or on() (vector(-3) and on() ratio != ratio)", "",
       "!= 3"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.success);
    CAPTURE(c.failure);
    const RuleSet set =
        loadImported(importText(analysisTemplate(withConditions(c.success, c.failure))));
    CHECK(set.rules[0].expr == c.expr);
    CHECK(set.rules[0].guard.value_or("") == c.guard);
    CHECK(set.rules[0].threshold.toString() == c.threshold);
  }
}

TEST_CASE("interval, failureLimit and the arguments make the rule") {
  const ImportResult result = importText(
      analysisTemplate(R"(      interval: 30s
      failureLimit: "{{args.limit}}"
      count: 10
      initialDelay: 1m
      successCondition: result[0] >= 0.95
      provider:
        prometheus:
          address: http://prometheus:9090
          query: sum(rate(ok_total{service="{{args.svc}}", route="{{ args.route }}"}[1m]))
)"),
      ImportOptions{{{"limit", "4"}, {"route", "/a"}}, Severity::kHigh, RuleSource::kScrape});
  REQUIRE(result.complete());
  const RuleSet set = loadImported(result);
  const Rule& rule = set.rules[0];
  CHECK(rule.name == "m");
  CHECK(rule.forDuration == 2 * kMinute);
  CHECK((rule.severity == Severity::kHigh));
  CHECK(rule.expr.find("sum(rate(ok_total{service=\"api\", route=\"/a\"}[1m]))") == 0);
  CHECK(rule.summary.render(0.9, Labels()) == "m: 0.9");
  CHECK(rule.annotations.at("description") ==
        "Argo Rollouts AnalysisTemplate \"health\", metric \"m\": successCondition result[0] >= "
        "0.95; failureLimit 4; interval 30s");
  CHECK(result.yaml.find("  # From in.yaml:14:7: metric \"m\" of AnalysisTemplate \"health\".\n") !=
        std::string::npos);
  CHECK(result.yaml.find("  # Argo queried http://prometheus:9090.\n") != std::string::npos);
  CHECK(result.report == std::vector<std::string>{
                             "in.yaml:14:7: note: metric \"m\": Argo fails the metric after 5 "
                             "failed measurements over the whole run; the agent after a breach "
                             "lasting 2m (failureLimit x interval)",
                             "in.yaml:14:7: note: metric \"m\": count 10: Argo stops measuring "
                             "after that many; the agent judges for the whole rollback window",
                             "in.yaml:14:7: note: metric \"m\": initialDelay 1m is not applied: "
                             "the agent judges from the traffic switch on",
                             "in.yaml:14:7: note: metric \"m\": an empty result is a measurement "
                             "error in Argo (the run errs after 4 in a row); the agent counts the "
                             "rule unknown (policy unknown)",
                             "in.yaml:14:7: converted metric \"m\" of AnalysisTemplate \"health\" "
                             "into rule \"m\""});
}

TEST_CASE("a metric without an interval is one measurement: no for") {
  const RuleSet set =
      loadImported(importText(analysisTemplate(R"(      failureCondition: result[0] > 0
      provider:
        prometheus:
          query: ratio
)")));
  CHECK(set.rules[0].forDuration == 0);
}

TEST_CASE("both conditions inconclusive in between: noted, and ok for the agent") {
  const ImportResult result =
      importText(analysisTemplate(withConditions("result[0] < 0.95", "result[0] >= 0.95")));
  CHECK(reported(result,
                 "a measurement neither condition holds for is inconclusive in Argo; "
                 "the agent counts it ok"));
}

struct Refusal {
  std::string body;
  std::string why;
};

TEST_CASE("what cannot be converted faithfully is refused, with the reason and the place") {
  const std::string query = "      provider:\n        prometheus:\n          query: ratio\n";
  const std::vector<Refusal> refusals{
      {"      successCondition: result[0] > 1\n      provider:\n        web:\n          url: x\n",
       "its provider is web, not Prometheus"},
      {"      successCondition: result[0] > 1\n", "it has no provider"},
      {"      successCondition: result[0] > 1\n      provider:\n        prometheus:\n"
       "          query: ratio\n          rangeQuery: {start: now() - 5m, end: now(), step: 1m}\n",
       "it is a range query (rangeQuery): the agent judges instant queries"},
      {"      failureLimit: -1\n      successCondition: result[0] > 1\n" + query,
       "failureLimit -1: Argo never fails the analysis on this metric"},
      {"      failureLimit: many\n      successCondition: result[0] > 1\n" + query,
       "failureLimit \"many\" is not a whole number of -1 or more"},
      {"      interval: 1.5m\n      successCondition: result[0] > 1\n" + query,
       "interval \"1.5m\": "},
      {query,
       "it has no successCondition or failureCondition: Argo counts every measurement "
       "successful"},
      {"      successCondition: \"true\"\n" + query,
       "no result of the query ever fails the conditions"},
      {"      successCondition: result[1] > 0\n" + query,
       "successCondition \"result[1] > 0\": only result[0] is converted (the agent judges every "
       "sample of the query) (at column 8)"},
      {"      successCondition: \"all(result, # < 1000)\"\n" + query,
       "all() works over every value of the result; only result[0] and len(result) are "
       "converted (at column 1)"},
      {"      successCondition: default(result[0], 0) > 0\n" + query,
       "default() looks at a nil result, which the Prometheus provider never gives"},
      {"      successCondition: isInf(result[0])\n" + query, "\"isInf\" is not converted"},
      {"      successCondition: result[0] > 0.9 && result[0] < 1.1\n" + query,
       "a second comparison of result[0]: the agent's threshold is one comparison (at column 20)"},
      {"      successCondition: result[0]\n" + query,
       "the condition gives a number, not true or false"},
      {"      successCondition: result[0] + 1 > 2\n" + query, "unexpected \"+\" (at column 11)"},
      {"      successCondition: result[0] > len(result)\n" + query,
       "result[0] is converted when compared with a number"},
      {"      successCondition: result[0] >= 0.9\n      failureCondition: result[0] < 0.5\n" +
           query,
       "successCondition and failureCondition compare result[0] differently"},
      {"      successCondition: result > 0\n" + query,
       "result is converted as result[0] or len(result) only"},
      {"      successCondition: \"" + std::string(100, '(') + "true" + std::string(100, ')') +
           "\"\n" + query,
       "the condition nests too deeply to convert (over 64 levels) (at column 65)"},
      {"      successCondition: \"" + std::string(100000, '!') + "true\"\n" + query,
       "the condition nests too deeply to convert (over 64 levels) (at column 64)"},
      {"      successCondition: \"true" +
           [] {
             std::string terms;
             for (int i = 0; i < 100000; ++i) {
               terms += " || true";
             }
             return terms;
           }() +
           "\"\n" + query,
       "the condition is too long to convert (over 512 terms)"},
      {"      interval: 1h\n      failureLimit: 9223372036854775807\n"
       "      successCondition: result[0] > 1\n" +
           query,
       "failureLimit 9223372036854775807 x interval is too long a time"},
      {"      successCondition: (result[0] > 1\n" + query, "expected \")\""},
      {"      successCondition: result[0] > 1\n      provider:\n        prometheus:\n"
       "          query: x{a=\"{{args.from-rollout}}\"}\n",
       "argument from-rollout has no value (it is given by the Rollout); give it with --arg "
       "from-rollout=VALUE"},
      {"      successCondition: result[0] > 1\n      provider:\n        prometheus:\n"
       "          query: x{a=\"{{args.secret}}\"}\n",
       "argument secret has no value (it is from valueFrom (a secret or a field of the "
       "Rollout)); give it with --arg secret=VALUE"},
      {"      successCondition: result[0] > 1\n      provider:\n        prometheus:\n"
       "          query: x{a=\"{{args.nope}}\"}\n",
       "argument nope is not declared in spec.args; give it with --arg nope=VALUE"},
      {"      successCondition: result[0] > 1\n      provider:\n        prometheus:\n"
       "          query: x{a=\"{{workflow.name}}\"}\n",
       "{{workflow.name}} is not an argument of the template"},
      {"      successCondition: result[0] > 1\n      provider:\n        prometheus:\n"
       "          query: sum(rate(x[5m])\n",
       "query (line 1, column 16): unclosed left parenthesis"},
      {"      successCondition: result[0] > 1\n      provider:\n        prometheus:\n"
       "          query: histogram_count(rate(x[5m]))\n",
       "use source: prometheus"},
  };
  for (const Refusal& r : refusals) {
    CAPTURE(r.body);
    const ImportResult result = importText(analysisTemplate(r.body));
    CHECK(result.notConverted == 1);
    CHECK(result.converted == 0);
    CHECK(result.yaml.empty());
    CHECK_FALSE(result.complete());
    REQUIRE(result.report.size() == 1);
    CHECK(result.report[0].starts_with(
        "in.yaml:14:7: not converted: metric \"m\" of AnalysisTemplate \"health\": "));
    CHECK(result.report[0].find(r.why) != std::string::npos);
  }
}

TEST_CASE("an argument given on the command line fills the placeholder") {
  ImportOptions options;
  options.args["from-rollout"] = "green";
  const ImportResult result =
      importText(analysisTemplate("      successCondition: result[0] > 1\n"
                                  "      provider:\n        prometheus:\n"
                                  "          query: x{a=\"{{args.from-rollout}}\"}\n"),
                 options);
  REQUIRE(result.complete());
  CHECK(loadImported(result).rules[0].expr.find("x{a=\"green\"}") == 0);
}

TEST_CASE("a query outside the local engine's PromQL is taken for source: prometheus") {
  const ImportResult result =
      importText(analysisTemplate(
                     "      successCondition: result[0] > 1\n      provider:\n        prometheus:\n"
                     "          query: histogram_count(rate(x[5m]))\n"),
                 ImportOptions{{}, Severity::kCritical, RuleSource::kPrometheus});
  REQUIRE(result.complete());
  const RuleSet set = loadImported(result);
  CHECK((set.rules[0].source == RuleSource::kPrometheus));
}

TEST_CASE("dry-run metrics and templates without metrics are refused") {
  std::string yaml = analysisTemplate(withConditions("result[0] > 1", ""));
  yaml += "  dryRun:\n    - metricName: m\n";
  ImportResult result = importText(yaml);
  CHECK(reported(result,
                 "not converted: metric \"m\" of AnalysisTemplate \"health\": it is a dry "
                 "run (spec.dryRun): Argo never fails the analysis on it"));
  result = importText(
      "apiVersion: argoproj.io/v1alpha1\nkind: ClusterAnalysisTemplate\n"
      "metadata: {name: empty}\nspec: {}\n");
  CHECK(result.report == std::vector<std::string>{"in.yaml:1:1: not converted: "
                                                  "ClusterAnalysisTemplate \"empty\": it has no "
                                                  "spec.metrics"});
}

}  // namespace
}  // namespace nova::rules
