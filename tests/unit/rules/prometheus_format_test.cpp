// Prometheus rule files and PrometheusRule resources loaded as agent rules.
#include <doctest/doctest.h>

#include <cmath>

#include "nova/rules/loader.h"
#include "nova/rules/prometheus_rules.h"
#include "nova/rules/selected_names.h"
#include "test_util.h"

namespace nova::rules {
namespace {

using test::problems;

RuleSet loaded(const std::string& yaml, LoadReport* keep = nullptr) {
  LoadReport report = loadDetailed(yaml, "p.yaml");
  for (const Diagnostic& d : report.diagnostics) {
    FAIL_CHECK(d.toString());
  }
  REQUIRE(report.ok());
  RuleSet set = *report.ruleSet;
  if (keep != nullptr) {
    *keep = std::move(report);
  }
  return set;
}

std::vector<std::string> notes(const std::string& yaml) {
  std::vector<std::string> out;
  for (const Diagnostic& d : loadDetailed(yaml, "p.yaml").notes) {
    out.push_back(std::to_string(d.line) + ":" + std::to_string(d.column) + ": " + d.message);
  }
  return out;
}

constexpr const char* kRuleFile = R"(groups:
  - name: nova
    labels:
      team: streaming
      severity: warning
    rules:
      - record: job:nova_errors:ratio_rate1m
        expr: sum(rate(nova_http_errors_total[1m])) / sum(rate(nova_http_requests_total[1m]))
        labels:
          source: recorded
      - alert: NovaErrorsHigh
        expr: job:nova_errors:ratio_rate1m > 0.05
        for: 1m
        keep_firing_for: 2m
        labels:
          severity: page
          team: api
        annotations:
          summary: "errors at {{ $value | humanizePercentage }} on {{ $labels.route }}"
          description: The API fails more than 5% of requests.
          runbook_url: https://runbooks.example/nova#errors
          dashboard: https://grafana.example/d/nova
      - alert: NovaErrorsElevated
        expr: job:nova_errors:ratio_rate1m > 0.01
)";

TEST_CASE("an alerting rule becomes a rule that fires on any result") {
  const RuleSet set = loaded(kRuleFile);
  REQUIRE(set.rules.size() == 2);
  const Rule& high = set.rules[0];
  CHECK(high.name == "NovaErrorsHigh");
  CHECK(high.expr == "job:nova_errors:ratio_rate1m > 0.05");
  REQUIRE(high.parsedExpr != nullptr);
  CHECK((high.threshold.op == ThresholdOp::kAnyResult));
  CHECK(std::isnan(high.threshold.value));
  CHECK(high.threshold.toString() == "any result");
  CHECK(high.threshold.breaches(0));
  CHECK(high.threshold.breaches(std::nan("")));
  CHECK(high.forDuration == kMinute);
  CHECK(high.keepFiringFor == 2 * kMinute);
  CHECK((high.severity == Severity::kHigh));
  CHECK((high.source == RuleSource::kScrape));
  CHECK(high.labels == std::map<std::string, std::string>{{"severity", "page"}, {"team", "api"}});
  CHECK(high.runbook == "https://runbooks.example/nova#errors");
  CHECK(high.annotations == std::map<std::string, std::string>{
                                {"description", "The API fails more than 5% of requests."},
                                {"dashboard", "https://grafana.example/d/nova"}});
  CHECK(high.summary.render(0.0734, Labels{{"route", "/api"}}) == "errors at 7.34% on /api");
  CHECK(high.position.line == 11);
  CHECK(high.position.column == 9);

  // The group's labels are inherited, severity included.
  const Rule& elevated = set.rules[1];
  CHECK((elevated.severity == Severity::kMedium));
  CHECK(elevated.labels ==
        std::map<std::string, std::string>{{"severity", "warning"}, {"team", "streaming"}});
  CHECK(elevated.forDuration == 0);
  CHECK(elevated.summary.render(0.02, Labels()) == "0.02");
}

TEST_CASE("a recording rule is kept apart, with its group, labels and place") {
  const RuleSet set = loaded(kRuleFile);
  REQUIRE(set.recordings.size() == 1);
  const RecordingRule& r = set.recordings[0];
  CHECK(r.record == "job:nova_errors:ratio_rate1m");
  REQUIRE(r.parsedExpr != nullptr);
  CHECK(r.group == "nova");
  CHECK(r.labels == std::map<std::string, std::string>{
                        {"severity", "warning"}, {"source", "recorded"}, {"team", "streaming"}});
  CHECK(r.position.line == 7);
  CHECK(set.memory != nullptr);
  CHECK_FALSE(set.hasPolicy);
  CHECK(set.policy == policy::PolicyConfig{});
}

TEST_CASE("the scrape keeps what recording rules read, not what they record") {
  const RuleSet set = loaded(kRuleFile);
  const auto names = selectedMetricNames(set);
  REQUIRE(names.has_value());
  CHECK(*names == std::vector<std::string>{"nova_http_errors_total", "nova_http_requests_total"});
}

TEST_CASE("a file without recording rules or keep_firing_for still has a memory for its rounds") {
  const RuleSet set = loaded(R"(groups:
  - name: g
    rules:
      - alert: Down
        expr: up == 0
        labels: {severity: critical}
)");
  CHECK(set.memory != nullptr);  // series lists and running windows
  CHECK(set.recordings.empty());
}

TEST_CASE("every severity value and alias chooses its branch, in any case") {
  const std::vector<std::pair<std::string, Severity>> table{
      {"critical", Severity::kCritical}, {"high", Severity::kHigh},
      {"medium", Severity::kMedium},     {"low", Severity::kLow},
      {"page", Severity::kHigh},         {"error", Severity::kHigh},
      {"warning", Severity::kMedium},    {"info", Severity::kLow},
      {"none", Severity::kNone},         {"CRITICAL", Severity::kCritical},
      {"Warning", Severity::kMedium},    {"Page", Severity::kHigh}};
  for (const auto& [value, severity] : table) {
    CAPTURE(value);
    CHECK((severityFromLabel(value) == severity));
    const std::string yaml =
        "groups:\n  - name: g\n    rules:\n      - alert: A\n"
        "        expr: up == 0\n        labels: {severity: " +
        value + "}\n";
    LoadReport report = loadDetailed(yaml, "p.yaml");
    REQUIRE(report.ok());
    if (severity == Severity::kNone) {
      CHECK(report.ruleSet->rules.empty());
      CHECK(notes(yaml) ==
            std::vector<std::string>{"4:9: alert \"A\" has severity none and is left out of the "
                                     "escalation tree"});
    } else {
      REQUIRE(report.ruleSet->rules.size() == 1);
      CHECK((report.ruleSet->rules[0].severity == severity));
    }
  }
  CHECK_FALSE(severityFromLabel("major").has_value());
  CHECK_FALSE(severityFromLabel("").has_value());
  CHECK(severityLabelValues().size() == 9);
}

TEST_CASE("a missing or unknown severity is an error at its place") {
  CHECK(problems(R"(groups:
  - name: g
    rules:
      - alert: NoSeverity
        expr: up == 0
      - alert: Typo
        expr: up == 0
        labels:
          severity: critcal
  - name: h
    labels: {severity: P1}
    rules:
      - alert: FromGroup
        expr: up == 0
)") == std::vector<std::string>{
           "4:9: alert \"NoSeverity\": labels.severity is missing; the agent needs it to "
           "choose the branch of the escalation tree (critical, high, medium, low, page, "
           "error, warning, info, none)",
           "9:21: alert \"Typo\": unknown severity \"critcal\"; did you mean critical?",
           "11:24: alert \"FromGroup\": unknown severity \"P1\" (expected critical, high, "
           "medium, low, page, error, warning, info, none)"});
}

TEST_CASE("an alert name used more than once is made unique, with a note") {
  const std::string yaml = R"(groups:
  - name: g
    rules:
      - alert: Errors
        expr: e > 0.01
        labels: {severity: warning}
      - alert: Errors
        expr: e > 0.05
        labels: {severity: critical}
  - name: h
    rules:
      - alert: Errors
        expr: e > 0.2
        labels: {severity: critical}
      - alert: Other
        expr: e > 0.3
        labels: {severity: low}
)";
  const RuleSet set = loaded(yaml);
  REQUIRE(set.rules.size() == 4);
  CHECK(set.rules[0].name == "Errors/medium");
  CHECK(set.rules[1].name == "Errors/critical");
  CHECK(set.rules[2].name == "Errors/critical#2");
  CHECK(set.rules[3].name == "Other");
  CHECK(notes(yaml) ==
        std::vector<std::string>{"4:9: alert \"Errors\" appears 3 times; this one is the rule "
                                 "\"Errors/medium\"",
                                 "7:9: alert \"Errors\" appears 3 times; this one is the rule "
                                 "\"Errors/critical\"",
                                 "12:9: alert \"Errors\" appears 3 times; this one is the rule "
                                 "\"Errors/critical#2\""});
}

TEST_CASE("group fields the agent does not apply are noted, not refused") {
  const std::string yaml = R"(groups:
  - name: g
    interval: 30s
    query_offset: 1m
    limit: 10
    partial_response_strategy: warn
    rules:
      - alert: A
        expr: up == 0
        labels: {severity: low}
  - name: h
    limit: 0
)";
  CHECK(loaded(yaml).rules.size() == 1);
  CHECK(notes(yaml) == std::vector<std::string>{
                           "3:15: group \"g\": interval 30s is not applied: the agent evaluates "
                           "every rule at each of its ticks",
                           "4:19: group \"g\": query_offset 1m is not applied: the agent "
                           "evaluates its own scrapes at the tick's time",
                           "5:12: group \"g\": limit 10 is not enforced: every alert instance "
                           "counts",
                           "6:32: group \"g\": partial_response_strategy is for Thanos Ruler "
                           "and is not applied"});
}

TEST_CASE("every mistake in a rule file is reported at its file:line:col") {
  CHECK(problems(R"(groups:
  - name: g
    intervl: 1m
    rules:
      - alert: A
        exp: up == 0
        labels: {severity: low}
      - alert: B
        record: b
        expr: up
      - labels: {severity: low}
        expr: up
      - alert: C
        labels: {severity: low}
      - alert: D
        expr: rate(up[5m) > 0
        for: 5 minutes
        labels: {severity: low}
      - record: 9lives
        expr: up
        annotations: {summary: x}
      - alert: ""
        expr: up
        labels: {severity: low}
  - name: g
    rules: {alert: E}
  - interval: 1m
)") == std::vector<std::string>{
           "3:5: unknown key \"intervl\" in group; did you mean interval?",
           "5:9: rule: missing required field expr",
           "6:9: unknown key \"exp\" in rule; did you mean expr?",
           "8:9: rule: give either alert or record, not both",
           "11:9: rule: missing required field alert (or record)",
           "13:9: rule: missing required field expr",
           "16:25: expr: unexpected \")\" in subquery or range, expected \":\" or \"]\"",
           "17:14: for: invalid duration \"5 minutes\": expected a unit (y, w, d, h, m, "
           "s, ms)",
           "19:17: record: \"9lives\" is not a valid metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)",
           "21:22: recording rule: annotations is only for alerting rules",
           "22:16: alert: the name is empty",
           "25:11: duplicate group name \"g\" (first defined at line 2)",
           "26:12: rules must be a list of alerting and recording rules",
           "27:5: group: missing required field name"});
}

constexpr const char* kResource = R"(apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: nova
  namespace: streaming
spec:
  groups:
    - name: nova.rules
      rules:
        - alert: NovaDown
          expr: up{job="nova"} == 0
          for: 30s
          labels:
            severity: critical
          annotations:
            summary: "{{ $labels.instance }} is down"
)";

TEST_CASE("a PrometheusRule loads its spec.groups the same way") {
  const RuleSet set = loaded(kResource);
  REQUIRE(set.rules.size() == 1);
  CHECK(set.rules[0].name == "NovaDown");
  CHECK((set.rules[0].severity == Severity::kCritical));
  CHECK(set.rules[0].forDuration == 30 * kSecond);
  CHECK(set.rules[0].summary.render(0, Labels{{"instance", "10.0.0.7:8080"}}) ==
        "10.0.0.7:8080 is down");
  CHECK(set.rules[0].position.line == 10);
}

TEST_CASE("several PrometheusRule documents load together; other kinds are skipped") {
  const std::string yaml = std::string(kResource) + R"(---
apiVersion: v1
kind: ConfigMap
metadata: {name: other}
---
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: more}
spec:
  groups:
    - name: nova.rules
      rules:
        - alert: NovaDown
          expr: up{job="nova-canary"} == 0
          labels: {severity: critical}
        - record: nova:up
          expr: up
---
)";
  const RuleSet set = loaded(yaml);
  REQUIRE(set.rules.size() == 2);
  CHECK(set.rules[0].name == "NovaDown/critical");
  CHECK(set.rules[1].name == "NovaDown/critical#2");
  CHECK(set.recordings.size() == 1);
  CHECK(notes(yaml) ==
        std::vector<std::string>{"10:11: alert \"NovaDown\" appears 2 times; this one is the rule "
                                 "\"NovaDown/critical\"",
                                 "18:1: document 2 (kind ConfigMap) is not a PrometheusRule and is "
                                 "skipped",
                                 "29:11: alert \"NovaDown\" appears 2 times; this one is the rule "
                                 "\"NovaDown/critical#2\""});
}

TEST_CASE("a PrometheusRule after another resource is still found") {
  const RuleSet set = loaded("apiVersion: v1\nkind: Namespace\nmetadata: {name: s}\n---\n" +
                             std::string(kResource));
  CHECK(set.rules.size() == 1);
}

TEST_CASE("mistakes in a PrometheusRule are reported at their file:line:col") {
  CHECK(problems(R"(apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: x}
spec:
  groups:
    - name: a
      rules:
        - alert: A
          expr: |
            sum(rate(http_requests_total{code=~"5.."}[5m]))
              / sum(rate(http_requests_totl[5m]) > 0.05
          labels: {severity: high}
  rules: []
---
apiVersion: monitoring.coreos.com/v1beta1
kind: PrometheusRule
spec: {}
)") == std::vector<std::string>{"11:56: expr: unclosed left parenthesis",
                                "13:3: unknown key \"rules\" in PrometheusRule spec",
                                "15:13: PrometheusRule: apiVersion must be "
                                "monitoring.coreos.com/v1, got \"monitoring.coreos.com/v1beta1\""});
}

TEST_CASE("the format is told from the shape; the agent's own stays the default") {
  // `groups` beside `rules` is the agent's format with a stray key.
  CHECK(problems("rules: []\ngroups: []\n") ==
        std::vector<std::string>{"2:1: unknown key \"groups\" in rule file"});
  CHECK(problems("groups: []\n").empty());
  CHECK(problems("groups: []\npolicy: {}\n") ==
        std::vector<std::string>{"2:1: unknown key \"policy\" in Prometheus rule file"});
  CHECK(problems("apiVersion: argoproj.io/v1alpha1\nkind: AnalysisTemplate\n") ==
        std::vector<std::string>{"2:7: a AnalysisTemplate is not a rule file; convert it into "
                                 "one with `novactl rules import f.yaml`"});
  CHECK(problems("apiVersion: flagger.app/v1beta1\nkind: MetricTemplate\n") ==
        std::vector<std::string>{"2:7: a MetricTemplate is not a rule file; convert it into one "
                                 "with `novactl rules import f.yaml`"});
  CHECK(problems("apiVersion: v1\nkind: ConfigMap\n") ==
        std::vector<std::string>{"2:7: a ConfigMap is not a rule file (expected the agent's "
                                 "`rules:`, a Prometheus rule file's `groups:` or a "
                                 "PrometheusRule)"});
  CHECK(problems("groups: {a: 1}\n") ==
        std::vector<std::string>{"1:9: groups must be a list of rule groups"});
}

TEST_CASE("merging keeps recording rules and the memory") {
  RuleSet merged = loaded(
      "rules:\n  - name: x\n    expr: up\n    threshold: \"< 1\"\n"
      "    severity: low\n");
  const auto* memory = merged.memory.get();
  REQUIRE(memory != nullptr);
  REQUIRE(merge(merged, loaded(kRuleFile)).ok());
  CHECK(merged.rules.size() == 3);
  CHECK(merged.recordings.size() == 1);
  CHECK(merged.memory.get() == memory);
}

}  // namespace
}  // namespace nova::rules
