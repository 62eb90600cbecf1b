#include "nova/rules/detail/rule_loader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>

#include "nova/core/suggest.h"
#include "nova/rules/detail/fields.h"

namespace nova::rules::detail {
namespace {

constexpr std::array<std::string_view, 12> kRuleKeys{
    "name",  "expr",   "threshold", "for",         "severity", "summary",
    "guard", "source", "labels",    "annotations", "runbook",  "description"};
constexpr std::array<std::string_view, 2> kThresholdKeys{"op", "value"};
constexpr std::array<std::string_view, 4> kSeverities{"critical", "high", "medium", "low"};

// `threshold: "> 0.2"`: an operator, blanks, a number.
std::optional<Threshold> thresholdFromString(const YAML::Node& node, LoadContext& ctx) {
  ThresholdParse parsed = parseThreshold(node.Scalar());
  if (!parsed.threshold) {
    ctx.error(ctx.positionInScalar(node, parsed.errorAt), parsed.error);
  }
  return parsed.threshold;
}

std::optional<Threshold> readThreshold(const YAML::Node& node, LoadContext& ctx) {
  if (node.IsScalar()) {
    return thresholdFromString(node, ctx);
  }
  if (!checkKeys(node, kThresholdKeys, "threshold", ctx)) {
    return std::nullopt;
  }
  std::optional<ThresholdOp> op;
  std::optional<double> value;
  if (!node["op"]) {
    ctx.error(node, "threshold: missing required field op");
  } else if (auto text = readString(node["op"], "threshold.op", ctx)) {
    op = parseThresholdOp(*text);
    if (!op) {
      ctx.error(node["op"], unknownNameMessage("threshold operator", *text, kThresholdOpNames));
    }
  }
  if (!node["value"]) {
    ctx.error(node, "threshold: missing required field value");
  } else {
    value = readNumber(node["value"], "threshold value", ctx);
  }
  if (!op || !value) {
    return std::nullopt;
  }
  return Threshold{*op, *value};
}

std::optional<Template> readTemplate(const YAML::Node& node, LoadContext& ctx) {
  auto text = readString(node, "summary", ctx);
  if (!text) {
    return std::nullopt;
  }
  std::vector<Template::ParseProblem> problems;
  Template parsed = Template::parse(*text, problems);
  for (const auto& problem : problems) {
    ctx.error(ctx.positionInScalar(node, problem.offset), "summary: " + problem.message);
  }
  if (!problems.empty()) {
    return std::nullopt;
  }
  return parsed;
}

std::optional<Severity> readSeverity(const YAML::Node& node, LoadContext& ctx) {
  auto text = readString(node, "severity", ctx);
  if (!text) {
    return std::nullopt;
  }
  auto severity = parseSeverity(*text);
  if (!severity) {
    ctx.error(node, unknownNameMessage("severity", *text, kSeverities));
  }
  return severity;
}

// A configured source's name: what the agent config's `sources:` accepts as a key.
bool isSourceName(std::string_view text) {
  if (text.empty() || text.size() > 64) {
    return false;
  }
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
  });
}

}  // namespace

std::optional<SourceChoice> readSource(const YAML::Node& node, LoadContext& ctx) {
  auto text = readString(node, "source", ctx);
  if (!text) {
    return std::nullopt;
  }
  if (*text == "scrape") {
    return SourceChoice{RuleSource::kScrape, ""};
  }
  // Any other name is a remote source; the agent checks it against its `sources:`, which
  // the rule file does not know. A near miss of the two built-in names is a typo, not a
  // source ("promethues").
  constexpr std::array<std::string_view, 2> kBuiltIn{"scrape", "prometheus"};
  if (*text != "prometheus" && closestMatch(*text, kBuiltIn)) {
    ctx.error(node, unknownNameMessage("source", *text, kBuiltIn));
    return std::nullopt;
  }
  if (isSourceName(*text)) {
    return SourceChoice{RuleSource::kPrometheus, *text};
  }
  ctx.error(node,
            "source must be scrape, prometheus or the name of a configured source "
            "(letters, digits, '_', '-', '.'), got \"" +
                *text + "\"");
  return std::nullopt;
}

std::optional<Rule> loadRule(const YAML::Node& node, LoadContext& ctx,
                             const SourceChoice& fileSource) {
  if (!checkKeys(node, kRuleKeys, "rule", ctx)) {
    return std::nullopt;
  }
  const std::size_t errorsBefore = ctx.errorCount();
  Rule rule;
  rule.position = SourcePosition{node.Mark().line + 1, node.Mark().column + 1};
  for (std::string_view required : {"name", "expr", "threshold", "severity"}) {
    if (!node[std::string(required)]) {
      ctx.error(node, "rule: missing required field " + std::string(required));
    }
  }
  if (node["name"]) {
    rule.name = readString(node["name"], "name", ctx).value_or("");
  }
  const SourceChoice source =
      node["source"] ? readSource(node["source"], ctx).value_or(SourceChoice{}) : fileSource;
  rule.source = source.source;
  rule.sourceName = source.name;
  const bool localOnly = rule.source == RuleSource::kScrape;
  if (node["expr"]) {
    rule.parsedExpr = readExpr(node["expr"], "expr", localOnly, ctx);
    rule.expr = node["expr"].IsScalar() ? node["expr"].Scalar() : "";
  }
  if (node["guard"]) {
    rule.parsedGuard = readExpr(node["guard"], "guard", localOnly, ctx);
    rule.guard = node["guard"].IsScalar() ? node["guard"].Scalar() : "";
  }
  if (node["threshold"]) {
    rule.threshold = readThreshold(node["threshold"], ctx).value_or(Threshold{});
  }
  if (node["for"]) {
    rule.forDuration = readDuration(node["for"], "for", ctx).value_or(0);
  }
  if (node["severity"]) {
    rule.severity = readSeverity(node["severity"], ctx).value_or(Severity::kLow);
  }
  std::vector<Template::ParseProblem> none;
  rule.summary = Template::parse("{{ $value }}", none);
  if (node["summary"]) {
    rule.summary = readTemplate(node["summary"], ctx).value_or(rule.summary);
  }
  if (node["labels"]) {
    rule.labels = readStringMap(node["labels"], "labels", ctx);
  }
  if (node["annotations"]) {
    rule.annotations = readStringMap(node["annotations"], "annotations", ctx);
  }
  if (node["description"]) {
    rule.annotations["description"] =
        readString(node["description"], "description", ctx).value_or("");
  }
  if (node["runbook"]) {
    rule.runbook = readString(node["runbook"], "runbook", ctx).value_or("");
  }
  if (ctx.errorCount() != errorsBefore) {
    return std::nullopt;
  }
  return rule;
}

}  // namespace nova::rules::detail
