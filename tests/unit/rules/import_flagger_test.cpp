// Flagger Canaries with their MetricTemplates into agent rules: bounds, variables, refusals.
#include <doctest/doctest.h>

#include "import_test_util.h"

namespace nova::rules {
namespace {

using namespace test;  // importText, loadImported, reported, stateWith, State, kNaN

// A MetricTemplate "ratio-template" whose query is `query`, from provider `type`.
std::string metricTemplate(const std::string& query, const std::string& type = "prometheus",
                           const std::string& ns = "apps") {
  return "apiVersion: flagger.app/v1beta1\nkind: MetricTemplate\nmetadata:\n"
         "  name: ratio-template\n  namespace: " +
         ns + "\nspec:\n  provider:\n    type: " + type +
         "\n    address: http://prometheus:9090\n  query: '" + query + "'\n";
}

// A Canary "web" (namespace apps, target web-deploy) whose analysis has one metric with the
// given body; the metric is at line 13, column 9 of the document.
std::string canary(const std::string& metricBody) {
  return "---\napiVersion: flagger.app/v1beta1\nkind: Canary\nmetadata:\n  name: web\n"
         "  namespace: apps\nspec:\n  targetRef: {kind: Deployment, name: web-deploy}\n"
         "  analysis:\n    interval: 30s\n    threshold: 3\n    metrics:\n"
         "      - name: ratio\n" +
         metricBody;
}

const std::string kRef = "        templateRef: {name: ratio-template}\n";

TEST_CASE("a thresholdRange max fails above it, and on no value and NaN as Flagger does") {
  const ImportResult result =
      importText(metricTemplate("ratio") + canary(kRef + "        thresholdRange: {max: 0.05}\n"));
  REQUIRE(result.complete());
  const RuleSet set = loadImported(result);
  REQUIRE(set.rules.size() == 1);
  const Rule& rule = set.rules[0];
  CHECK(rule.name == "ratio");
  CHECK(rule.expr == "ratio >= -Inf or on() vector(+Inf)");
  CHECK_FALSE(rule.guard.has_value());
  CHECK(rule.threshold.toString() == "> 0.05");
  CHECK(rule.forDuration == kMinute);  // (threshold 3 - 1) x 30s
  CHECK((rule.severity == Severity::kCritical));
  CHECK((stateWith(set, 0.04) == State::kOk));
  CHECK((stateWith(set, 0.05) == State::kOk));
  CHECK((stateWith(set, 0.06) == State::kBreaching));
  CHECK((stateWith(set, kNaN) == State::kBreaching));
  CHECK((stateWith(set, std::nullopt) == State::kBreaching));
  CHECK(result.report ==
        std::vector<std::string>{
            "in.yaml:23:9: note: metric \"ratio\": Flagger rolls back after 3 failed checks over "
            "the whole analysis; the agent after a breach lasting 1m ((threshold - 1) x "
            "interval)",
            "in.yaml:23:9: converted metric \"ratio\" of Canary \"web\" into rule \"ratio\""});
  CHECK(result.yaml.find("  # From in.yaml:23:9: metric \"ratio\" of Canary \"web\", max "
                         "0.05.\n  # No value or NaN fails a Flagger check: here it breaches "
                         "too.\n  # Flagger queried http://prometheus:9090.\n") !=
        std::string::npos);
}

TEST_CASE("a thresholdRange with min and max is a rule per bound") {
  const ImportResult result = importText(
      metricTemplate("ratio") + canary(kRef + "        thresholdRange: {min: 10, max: 1000}\n"));
  REQUIRE(result.complete());
  const RuleSet set = loadImported(result);
  REQUIRE(set.rules.size() == 2);
  CHECK(set.rules[0].name == "ratio/min");
  CHECK(set.rules[0].threshold.toString() == "< 10");
  CHECK(set.rules[0].expr == "ratio >= -Inf or on() vector(-Inf)");
  CHECK(set.rules[1].name == "ratio/max");
  CHECK(set.rules[1].threshold.toString() == "> 1000");
  CHECK(set.rules[0].annotations.at("description") ==
        "Flagger Canary \"web\", metric \"ratio\": fails when min 10 is not reached; analysis "
        "threshold 3, interval 30s");
  RuleSet low;
  low.policy = set.policy;
  low.rules.push_back(set.rules[0]);
  CHECK((stateWith(low, 9) == State::kBreaching));
  CHECK((stateWith(low, 10) == State::kOk));
  CHECK((stateWith(low, std::nullopt) == State::kBreaching));
  CHECK((stateWith(low, kNaN) == State::kBreaching));
}

TEST_CASE("the query's variables come from the Canary, the metric and --arg") {
  const std::string query =
      "rate(x{ns=\"{{ namespace }}\", t=\"{{ target }}\", s=\"{{ service "
      "}}\", n=\"{{ name }}\", d=\"{{ variables.direction }}\"}[{{ "
      "interval }}])";
  const std::string body = kRef +
                           "        interval: 2m\n"
                           "        templateVariables: {direction: inbound}\n"
                           "        thresholdRange: {max: 1}\n";
  ImportResult result = importText(metricTemplate(query) + canary(body));
  REQUIRE(result.complete());
  CHECK(loadImported(result).rules[0].expr.starts_with(
      "rate(x{ns=\"apps\", t=\"web-deploy\", s=\"web-deploy\", n=\"web\", d=\"inbound\"}[2m])"));

  ImportOptions options;
  options.args["variables.direction"] = "outbound";
  options.args["target"] = "web-green";
  result = importText(metricTemplate(query) + canary(body), options);
  REQUIRE(result.complete());
  CHECK(loadImported(result).rules[0].expr.starts_with(
      "rate(x{ns=\"apps\", t=\"web-green\", s=\"web-deploy\", n=\"web\", d=\"outbound\"}[2m])"));
}

TEST_CASE("without a metric interval the query's interval is Flagger's default 1m") {
  const ImportResult result = importText(metricTemplate("rate(x[{{ interval }}])") +
                                         canary(kRef + "        thresholdRange: {max: 1}\n"));
  REQUIRE(result.complete());
  CHECK(loadImported(result).rules[0].expr.starts_with("rate(x[1m])"));
}

TEST_CASE("an analysis threshold of 1 fails at the first check: no for, no note") {
  const std::string yaml = metricTemplate("ratio") +
                           "---\napiVersion: flagger.app/v1beta1\nkind: Canary\nmetadata: "
                           "{name: web, namespace: apps}\nspec:\n  analysis:\n"
                           "    interval: 1m\n    threshold: 1\n    metrics:\n"
                           "      - name: ratio\n" +
                           kRef + "        thresholdRange: {max: 1}\n";
  const ImportResult result = importText(yaml);
  REQUIRE(result.complete());
  CHECK(loadImported(result).rules[0].forDuration == 0);
  CHECK_FALSE(reported(result, "note:"));
}

TEST_CASE("an inline query and the deprecated threshold are taken") {
  const ImportResult result =
      importText(canary("        query: ratio * 100\n        threshold: 5\n"));
  REQUIRE(result.complete());
  const RuleSet set = loadImported(result);
  CHECK(set.rules[0].expr == "(ratio * 100) >= -Inf or on() vector(+Inf)");
  CHECK(set.rules[0].threshold.toString() == "> 5");
}

TEST_CASE("the imported rules are evaluated by Prometheus with --source prometheus") {
  const ImportResult result =
      importText(metricTemplate("histogram_count(rate(x[5m]))") +
                     canary(kRef + "        thresholdRange: {max: 1}\n"),
                 ImportOptions{{}, Severity::kHigh, RuleSource::kPrometheus});
  REQUIRE(result.complete());
  const RuleSet set = loadImported(result);
  CHECK((set.rules[0].source == RuleSource::kPrometheus));
  CHECK((set.rules[0].severity == Severity::kHigh));
}

struct Refusal {
  std::string yaml;
  std::string why;
  // A template in another namespace is also reported as unused.
  std::size_t notConverted = 1;
};

TEST_CASE("what cannot be converted is refused, with the place and the reason") {
  const std::string range = "        thresholdRange: {max: 1}\n";
  const std::vector<Refusal> refusals{
      {canary("        thresholdRange: {min: 99}\n"),
       "in.yaml:13:9: not converted: metric \"ratio\" of Canary \"web\": it is a built-in "
       "metric: its query depends on the mesh or ingress provider; write it as a "
       "MetricTemplate"},
      {canary(kRef + range),
       "in.yaml:13:9: not converted: metric \"ratio\" of Canary \"web\": its MetricTemplate "
       "\"ratio-template\" is not in the input; give its file too"},
      {metricTemplate("ratio", "prometheus", "other") + canary(kRef + range),
       "in.yaml:23:9: not converted: metric \"ratio\" of Canary \"web\": its MetricTemplate "
       "\"ratio-template\" is not in the input; give its file too",
       2},
      {metricTemplate("ratio", "datadog") + canary(kRef + range),
       "in.yaml:23:9: not converted: metric \"ratio\" of Canary \"web\": the provider of "
       "MetricTemplate \"ratio-template\" is datadog, not Prometheus"},
      {metricTemplate("x{a=\"{{ variables.missing }}\"}") + canary(kRef + range),
       "in.yaml:23:9: not converted: metric \"ratio\" of Canary \"web\": query variable "
       "variables.missing of MetricTemplate \"ratio-template\" has no value; give it with "
       "--arg variables.missing=VALUE"},
      {metricTemplate("ratio") + canary(kRef),
       "in.yaml:23:9: not converted: metric \"ratio\" of Canary \"web\": it has no "
       "thresholdRange: nothing to judge"},
      {metricTemplate("ratio") + canary(kRef + "        thresholdRange: {max: lots}\n"),
       "in.yaml:23:9: not converted: metric \"ratio\" of Canary \"web\": thresholdRange.max "
       "\"lots\" is not a number"},
      {metricTemplate("sum(rate(x[5m])") + canary(kRef + range),
       "in.yaml:23:9: not converted: metric \"ratio\" of Canary \"web\": query (line 1, column "
       "16): unclosed left parenthesis"},
      {metricTemplate("histogram_count(rate(x[5m]))") + canary(kRef + range),
       "use source: prometheus"},
  };
  for (const Refusal& r : refusals) {
    CAPTURE(r.yaml);
    const ImportResult result = importText(r.yaml);
    CHECK(result.converted == 0);
    CHECK(result.notConverted == r.notConverted);
    CHECK(result.yaml.empty());
    REQUIRE(result.report.size() >= 1);
    CHECK(reported(result, r.why));
  }
}

TEST_CASE("an analysis interval or threshold that is not usable refuses the Canary") {
  const std::string metric =
      "    metrics:\n      - name: ratio\n        query: ratio\n"
      "        thresholdRange: {max: 1}\n";
  const std::vector<std::pair<std::string, std::string>> cases{
      {"    interval: soon\n", "analysis.interval \"soon\": "},
      {"    threshold: many\n", "analysis.threshold \"many\" is not a usable number"},
      {"    threshold: 0\n", "analysis.threshold \"0\" is not a usable number"},
      {"    threshold: 9223372036854775807\n",
       "analysis.threshold \"9223372036854775807\" is not a usable number"},
  };
  for (const auto& [analysis, why] : cases) {
    CAPTURE(analysis);
    const ImportResult result = importText(
        "apiVersion: flagger.app/v1beta1\nkind: Canary\nmetadata: {name: web}\n"
        "spec:\n  analysis:\n" +
        analysis + metric);
    CHECK(result.converted == 0);
    CHECK(result.notConverted == 1);
    CHECK(reported(result, "in.yaml:1:1: not converted: Canary \"web\": " + why));
  }
}

TEST_CASE("a Canary without metrics and a MetricTemplate no Canary uses are reported") {
  ImportResult result = importText(
      "apiVersion: flagger.app/v1beta1\nkind: Canary\nmetadata: {name: web}\nspec:\n"
      "  analysis: {interval: 1m}\n");
  CHECK(result.report == std::vector<std::string>{"in.yaml:1:1: not converted: Canary \"web\": "
                                                  "it has no analysis.metrics"});
  result = importText(metricTemplate("ratio"));
  CHECK(result.report ==
        std::vector<std::string>{"in.yaml:1:1: not converted: MetricTemplate \"ratio-template\": "
                                 "no Canary in the input uses it, and its thresholds live in the "
                                 "Canary's analysis.metrics"});
  CHECK(result.notConverted == 1);
}

TEST_CASE("a Canary metric that converts beside one that does not: both are reported") {
  const std::string yaml = metricTemplate("ratio") + canary(kRef +
                                                            "        thresholdRange: {max: 1}\n"
                                                            "      - name: request-success-rate\n"
                                                            "        thresholdRange: {min: 99}\n");
  const ImportResult result = importText(yaml);
  CHECK(result.converted == 1);
  CHECK(result.notConverted == 1);
  CHECK_FALSE(result.complete());
  CHECK(loadImported(result).rules.size() == 1);
  CHECK(reported(result,
                 "in.yaml:26:9: not converted: metric \"request-success-rate\" of "
                 "Canary \"web\": it is a built-in metric"));
}

TEST_CASE("documents of other kinds are skipped with a note; nothing to import is an error") {
  ImportResult result =
      importText("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\n" +
                 metricTemplate("ratio") + canary(kRef + "        thresholdRange: {max: 1}\n"));
  CHECK(result.complete());
  CHECK(result.report[0] ==
        "in.yaml:1:1: note: document 1 (v1 ConfigMap) is skipped: only Argo Rollouts "
        "AnalysisTemplates and Flagger Canaries with their MetricTemplates are imported");
  result = importText("groups: []\n");
  CHECK(result.report.back() ==
        "in.yaml:1:1: not converted: no AnalysisTemplate, ClusterAnalysisTemplate, Canary or "
        "MetricTemplate in the input");
  CHECK_FALSE(result.complete());
  result = importText("kind: Canary\n  bad: [\n");
  REQUIRE(result.report.size() == 1);
  CHECK(result.report[0].starts_with("in.yaml:2:6: not converted: the file is not YAML: "));
  CHECK(result.notConverted == 1);
}

TEST_CASE("two metrics of the same name get names of their own") {
  const std::string second = "      - name: ratio\n" + kRef + "        thresholdRange: {max: 2}\n";
  const ImportResult result = importText(
      metricTemplate("ratio") + canary(kRef + "        thresholdRange: {max: 1}\n" + second));
  REQUIRE(result.complete());
  const RuleSet set = loadImported(result);
  REQUIRE(set.rules.size() == 2);
  CHECK(set.rules[0].name == "ratio");
  CHECK(set.rules[1].name == "web/ratio");
}

}  // namespace
}  // namespace nova::rules
