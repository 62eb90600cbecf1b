#include "nova/rules/loader.h"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "test_util.h"

namespace nova::rules {
namespace {

using test::oneRule;
using test::problems;

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST_CASE("default.yaml loads and encodes the seed's tree") {
  const LoadReport report = loadDetailed(readFile(NOVA_SOURCE_DIR "/rules/default.yaml"), "d");
  for (const Diagnostic& d : report.diagnostics) {
    FAIL_CHECK(d.toString());
  }
  REQUIRE(report.ok());
  const RuleSet& set = *report.ruleSet;
  CHECK(set.hasPolicy);
  CHECK(set.policy == policy::PolicyConfig{});
  CHECK((set.policy.high.action == policy::Action::kPage));
  CHECK(set.policy.high.investigate == 5 * kMinute);
  CHECK((set.policy.high.afterInvestigation == policy::Action::kRollback));
  CHECK(set.policy.rollbackWindow == 2 * kHour);

  const std::vector<std::pair<std::string, Severity>> expected{
      {"api_down", Severity::kCritical},
      {"data_loss", Severity::kCritical},
      {"error_rate_high", Severity::kHigh},
      {"websocket_sudden_drop", Severity::kHigh},
      {"websocket_sustained_loss", Severity::kHigh},
      {"traffic_collapsed", Severity::kHigh},
      {"traffic_below_blue", Severity::kMedium},
      {"error_rate_elevated", Severity::kMedium},
      {"latency_p95", Severity::kMedium},
      {"db_query_p95", Severity::kMedium},
      {"pods_unhealthy", Severity::kMedium},
      {"metrics_scrape_failing", Severity::kMedium},
      {"error_rate_slo", Severity::kLow},
  };
  REQUIRE(set.rules.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    CHECK(set.rules[i].name == expected[i].first);
    CHECK((set.rules[i].severity == expected[i].second));
    CHECK(set.rules[i].parsedExpr != nullptr);
  }
  const Rule* latency = set.find("latency_p95");
  REQUIRE(latency != nullptr);
  // The share of requests within 200ms, below 95%: p95 above 200ms.
  CHECK((latency->threshold.op == ThresholdOp::kLess));
  CHECK(latency->threshold.value == doctest::Approx(0.95));
  CHECK(latency->forDuration == 2 * kMinute);
  CHECK(latency->parsedGuard != nullptr);
}

TEST_CASE("a file with five different mistakes lists all five, in place") {
  const std::string yaml =
      "rules:\n"
      "  - name: errors\n"
      "    expr: sum(rate(http_errors_total[5q]))\n"
      "    threshold: \"> 0.05\"\n"
      "    for: 5x\n"
      "    severity: critcal\n"
      "  - name: errors\n"
      "    expr: up\n"
      "    threshold: \"< 1\"\n"
      "    severity: critical\n"
      "    sumary: \"x\"\n";
  const LoadReport report = loadDetailed(yaml, "bad.yaml");
  CHECK_FALSE(report.ok());
  std::vector<std::string> lines;
  for (const Diagnostic& d : report.diagnostics) {
    lines.push_back(d.toString());
  }
  const std::vector<std::string> expected{
      "bad.yaml:3:38: expr: bad number or duration syntax",
      "bad.yaml:5:10: for: invalid duration \"5x\": expected a unit (y, w, d, h, m, s, ms)",
      "bad.yaml:6:15: unknown severity \"critcal\"; did you mean critical?",
      "bad.yaml:7:11: duplicate rule name \"errors\" (first defined at line 2)",
      "bad.yaml:11:5: unknown key \"sumary\" in rule; did you mean summary?",
  };
  REQUIRE(lines.size() == expected.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    // The PromQL message's wording is the parser's; its place is ours.
    CHECK(lines[i].substr(0, expected[i].size()) == expected[i]);
  }

  const Result<RuleSet> joined = load(yaml, "bad.yaml");
  REQUIRE_FALSE(joined.ok());
  CHECK(joined.error().message.find("\n" + expected[1] + "\n" + expected[2]) != std::string::npos);
  CHECK(joined.error().message.rfind(expected[0], 0) == 0);
}

TEST_CASE("malformed YAML is reported at its place, not thrown") {
  const auto found = problems("rules: [1, 2\npolicy: {}\n");
  REQUIRE(found.size() == 1);
  CHECK(found[0].rfind("2:", 0) == 0);
  CHECK(found[0].find("end of sequence flow not found") != std::string::npos);
}

TEST_CASE("file structure") {
  CHECK(problems("") == std::vector<std::string>{
                            "1:1: empty rule file (expected `rules:` and optionally `policy:`)"});
  CHECK(problems("rule: []\n") ==
        std::vector<std::string>{"1:1: unknown key \"rule\" in rule file; did you mean rules?",
                                 "1:1: rule file: missing required field rules"});
  CHECK(problems("rules: {}\n") == std::vector<std::string>{"1:8: rules must be a list of rules"});
  CHECK(problems("rules:\n  - 3\n") ==
        std::vector<std::string>{"2:5: rule must be a mapping, got a scalar"});
}

TEST_CASE("required fields") {
  CHECK(problems("rules:\n  - name: r\n    expr: up\n") ==
        std::vector<std::string>{"2:5: rule: missing required field threshold",
                                 "2:5: rule: missing required field severity"});
}

TEST_CASE("thresholds: both forms, and the wrong types") {
  const std::string tail = "    expr: up\n    severity: low\n";
  auto ok = loadDetailed(oneRule(tail + "    threshold: {op: \"<=\", value: 2.5}\n"), "f");
  REQUIRE(ok.ok());
  CHECK((ok.ruleSet->rules[0].threshold.op == ThresholdOp::kLessEqual));
  CHECK(ok.ruleSet->rules[0].threshold.value == 2.5);

  auto text = loadDetailed(oneRule(tail + "    threshold: \">= 1e-3\"\n"), "f");
  REQUIRE(text.ok());
  CHECK(text.ruleSet->rules[0].threshold.toString() == ">= 0.001");

  CHECK(problems(oneRule(tail + "    threshold: \"> high\"\n")) ==
        std::vector<std::string>{"5:19: threshold value must be a number, got \"high\""});
  CHECK(problems(oneRule(tail + "    threshold: {op: \">\", value: high}\n")) ==
        std::vector<std::string>{"5:33: threshold value must be a number, got \"high\""});
  CHECK(problems(oneRule(tail + "    threshold: {op: \">\", value: [1]}\n")) ==
        std::vector<std::string>{"5:33: threshold value must be a number, got a list"});
  CHECK(problems(oneRule(tail + "    threshold: 0.2\n"))
            .at(0)
            .starts_with("5:16: threshold needs a comparison"));
  CHECK(problems(oneRule(tail + "    threshold: \"=< 1\"\n"))
            .at(0)
            .starts_with("5:17: unknown threshold operator \"=<\""));
  CHECK(problems(oneRule(tail + "    threshold: {op: \"~\", value: 1}\n"))
            .at(0)
            .starts_with("5:21: unknown threshold operator \"~\""));
  CHECK(problems(oneRule(tail + "    threshold: {op: \">\", valu: 1}\n")) ==
        std::vector<std::string>{"5:16: threshold: missing required field value",
                                 "5:26: unknown key \"valu\" in threshold; did you mean value?"});
}

TEST_CASE("severity, source, durations, maps") {
  const std::string base = "    expr: up\n    threshold: \"< 1\"\n";
  CHECK(problems(oneRule(base + "    severity: urgent\n")) ==
        std::vector<std::string>{
            "5:15: unknown severity \"urgent\" (expected critical, high, medium, low)"});
  CHECK(problems(oneRule(base + "    severity: low\n    source: promethues\n")) ==
        std::vector<std::string>{"6:13: unknown source \"promethues\"; did you mean prometheus?"});
  CHECK(problems(oneRule(base + "    severity: low\n    for: -5m\n"))
            .at(0)
            .starts_with("6:10: for: invalid duration \"-5m\""));
  CHECK(problems(oneRule(base + "    severity: low\n    labels: [a]\n")) ==
        std::vector<std::string>{"6:13: labels must be a mapping of names to strings"});
  auto ok = loadDetailed(oneRule(base + "    severity: low\n    for: 1m30s\n"
                                        "    labels: {team: core}\n    runbook: http://x\n"),
                         "f");
  REQUIRE(ok.ok());
  CHECK(ok.ruleSet->rules[0].forDuration == 90 * kSecond);
  CHECK(ok.ruleSet->rules[0].labels.at("team") == "core");
  CHECK(ok.ruleSet->rules[0].runbook == "http://x");
  CHECK(ok.ruleSet->rules[0].position.line == 2);
}

TEST_CASE("expressions: type and the local subset") {
  const std::string tail = "    threshold: \"> 1\"\n    severity: low\n";
  CHECK(problems(oneRule("    expr: up[5m]\n" + tail)) ==
        std::vector<std::string>{
            "3:11: expr must give an instant vector or a scalar, got range vector"});
  CHECK(problems(oneRule("    expr: '\"text\"'\n" + tail)) ==
        std::vector<std::string>{"3:11: expr must give an instant vector or a scalar, got string"});
  const std::string experimental = "    expr: sum(limitk(2, rate(x[1m])))\n";
  const auto local = problems(oneRule(experimental + tail));
  REQUIRE(local.size() == 1);
  CHECK(local[0].find("not supported by the local engine") != std::string::npos);
  CHECK(problems(oneRule(experimental + tail + "    source: prometheus\n")).empty());
  CHECK(problems(oneRule("    expr: max_over_time(rate(x[1m])[5m:1m])\n" + tail)).empty());
  CHECK(problems(oneRule("    expr: up\n    guard: rate(x[1m]) >\n" + tail)) ==
        std::vector<std::string>{"4:25: guard: unexpected end of input"});
}

TEST_CASE("summary templates are checked where they are written") {
  const std::string base = "    expr: up\n    threshold: \"< 1\"\n    severity: low\n";
  CHECK(
      problems(oneRule(base + "    summary: \"at {{ $valeu }}\"\n")) ==
      std::vector<std::string>{"6:21: summary: unknown template variable \"$valeu\" (use $value or "
                               "$labels.<name>)"});
  CHECK(problems(oneRule(base + "    summary: \"{{ $value | humanise }}\"\n")) ==
        std::vector<std::string>{
            "6:27: summary: unknown template function \"humanise\"; did you mean humanize?"});
  CHECK(problems(oneRule(base + "    summary: \"x {{ $value\"\n")) ==
        std::vector<std::string>{"6:17: summary: unclosed {{ in template"});
}

}  // namespace
}  // namespace nova::rules

namespace nova::rules {
namespace {

TEST_CASE("the example rule files load") {
  for (const char* name : {"per-route-errors.yaml", "prometheus-source.yaml"}) {
    CAPTURE(name);
    const std::string path = std::string(NOVA_SOURCE_DIR "/rules/examples/") + name;
    const LoadReport report = loadDetailed(readFile(path), path);
    for (const Diagnostic& d : report.diagnostics) {
      FAIL_CHECK(d.toString());
    }
    CHECK(report.ok());
  }
}

}  // namespace
}  // namespace nova::rules
