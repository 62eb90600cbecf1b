// One entry of a Prometheus group's `rules:`, as an agent Rule or a RecordingRule.
#include <yaml-cpp/yaml.h>

#include <array>
#include <cmath>
#include <limits>

#include "nova/rules/detail/fields.h"
#include "nova/rules/prometheus_rules.h"
#include "prometheus_loader.h"
#include "prometheus_template.h"

namespace nova::rules::detail {
namespace {

constexpr std::array<std::string_view, 7> kRuleKeys{
    "alert", "record", "expr", "for", "keep_firing_for", "labels", "annotations"};

bool isMetricName(std::string_view name) {
  if (name.empty()) {
    return false;
  }
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    if (!letter && (i == 0 || c < '0' || c > '9')) {
      return false;
    }
  }
  return true;
}

// The group's labels with the rule's over them.
std::map<std::string, std::string> mergedLabels(const YAML::Node& node, const GroupInfo& group,
                                                LoadContext& ctx) {
  std::map<std::string, std::string> labels = group.labels;
  if (node["labels"]) {
    for (auto& [name, value] : readStringMap(node["labels"], "labels", ctx)) {
      labels[name] = value;
    }
  }
  return labels;
}

// Where the severity an alert ends up with is written: its own labels, else its group's.
YAML::Node severityNode(const YAML::Node& node, const GroupInfo& group) {
  const YAML::Node own = node["labels"];
  if (own && own.IsMap() && own["severity"]) {
    return own["severity"];
  }
  if (group.labelsNode && group.labelsNode.IsMap() && group.labelsNode["severity"]) {
    return group.labelsNode["severity"];
  }
  return YAML::Node();
}

std::string valuesList() {
  std::string list;
  for (std::string_view value : severityLabelValues()) {
    list += (list.empty() ? "" : ", ") + std::string(value);
  }
  return list;
}

std::optional<Severity> readAlertSeverity(const YAML::Node& node, const GroupInfo& group,
                                          const std::string& alert,
                                          const std::map<std::string, std::string>& labels,
                                          PrometheusContext& pc) {
  const auto it = labels.find("severity");
  if (it == labels.end()) {
    pc.ctx.error(node, "alert \"" + alert +
                           "\": labels.severity is missing; the agent needs it to choose the "
                           "branch of the escalation tree (" +
                           valuesList() + ")");
    return std::nullopt;
  }
  auto severity = severityFromLabel(it->second);
  if (!severity) {
    const YAML::Node at = severityNode(node, group);
    pc.ctx.error(at ? at : node,
                 "alert \"" + alert +
                     "\": " + unknownNameMessage("severity", it->second, severityLabelValues()));
  }
  return severity;
}

Template readSummary(const YAML::Node& node, const std::string& alert, PrometheusContext& pc) {
  std::vector<Template::ParseProblem> problems;
  const auto text = readString(node, "annotations.summary", pc.ctx);
  if (!text) {
    return Template::parse("{{ $value }}", problems);
  }
  const TranslatedTemplate translated = translatePrometheusTemplate(*text);
  for (const auto& change : translated.changes) {
    pc.note(pc.ctx.positionInScalar(node, change.offset),
            "summary of alert \"" + alert + "\": " + change.message +
                " (the agent expands $value, $labels.<name>, humanize, humanizePercentage "
                "and humanizeDuration)");
  }
  Template parsed = Template::parse(translated.text, problems);
  if (!problems.empty()) {
    pc.note(node,
            "summary of alert \"" + alert + "\" is not expanded: " + problems.front().message);
    problems.clear();
    return Template::parse("{{ $value }}", problems);
  }
  return parsed;
}

void readAnnotations(const YAML::Node& node, const std::string& alert, PrometheusContext& pc,
                     Rule& rule) {
  if (!node.IsMap()) {
    pc.ctx.error(node, "annotations must be a mapping of names to strings");
    return;
  }
  for (auto& [name, value] : readStringMap(node, "annotations", pc.ctx)) {
    if (name == "summary") {
      rule.summary = readSummary(node["summary"], alert, pc);
    } else if (name == "runbook_url") {
      rule.runbook = value;
    } else {
      rule.annotations[name] = value;
    }
  }
}

// A name unique in the input: the alert's own when it appears once, else
// `<alert>/<severity>`, then `#2`, `#3`... when that is taken.
std::string uniqueName(const YAML::Node& node, const std::string& alert, Severity severity,
                       PrometheusContext& pc) {
  const auto count = pc.alertCounts.find(alert);
  const int appears = count == pc.alertCounts.end() ? 1 : count->second;
  std::string name = alert;
  if (appears > 1) {
    name = alert + "/" + std::string(toString(severity));
  }
  const std::string base = name;
  for (int n = 2; pc.usedNames.contains(name); ++n) {
    name = base + "#" + std::to_string(n);
  }
  pc.usedNames.insert(name);
  if (name != alert) {
    pc.note(node, "alert \"" + alert + "\" appears " + std::to_string(appears) +
                      " times; this one is the rule \"" + name + "\"");
  }
  return name;
}

void loadAlert(const YAML::Node& node, const GroupInfo& group, PrometheusContext& pc,
               RuleSet& out) {
  LoadContext& ctx = pc.ctx;
  const std::size_t errorsBefore = ctx.errorCount();
  const std::string alert = readString(node["alert"], "alert", ctx).value_or("");
  if (alert.empty() && ctx.errorCount() == errorsBefore) {
    ctx.error(node["alert"], "alert: the name is empty");
  }
  Rule rule;
  rule.position = SourcePosition{node.Mark().line + 1, node.Mark().column + 1};
  rule.threshold = Threshold{ThresholdOp::kAnyResult, std::numeric_limits<double>::quiet_NaN()};
  rule.parsedExpr = readExpr(node["expr"], "expr", true, ctx);
  rule.expr = node["expr"].IsScalar() ? node["expr"].Scalar() : "";
  if (node["for"]) {
    rule.forDuration = readDuration(node["for"], "for", ctx).value_or(0);
  }
  if (node["keep_firing_for"]) {
    rule.keepFiringFor = readDuration(node["keep_firing_for"], "keep_firing_for", ctx).value_or(0);
  }
  rule.labels = mergedLabels(node, group, ctx);
  std::vector<Template::ParseProblem> none;
  rule.summary = Template::parse("{{ $value }}", none);
  if (node["annotations"]) {
    readAnnotations(node["annotations"], alert, pc, rule);
  }
  const auto severity = readAlertSeverity(node, group, alert, rule.labels, pc);
  if (ctx.errorCount() != errorsBefore || !severity) {
    return;
  }
  if (*severity == Severity::kNone) {
    pc.note(node,
            "alert \"" + alert + "\" has severity none and is left out of the escalation tree");
    return;
  }
  rule.severity = *severity;
  rule.name = uniqueName(node, alert, *severity, pc);
  out.rules.push_back(std::move(rule));
}

void loadRecording(const YAML::Node& node, const GroupInfo& group, PrometheusContext& pc,
                   RuleSet& out) {
  LoadContext& ctx = pc.ctx;
  const std::size_t errorsBefore = ctx.errorCount();
  for (std::string_view key : {"for", "keep_firing_for", "annotations"}) {
    if (node[std::string(key)]) {
      ctx.error(node[std::string(key)],
                "recording rule: " + std::string(key) + " is only for alerting rules");
    }
  }
  RecordingRule rule;
  const auto record = readString(node["record"], "record", ctx);
  rule.record = record.value_or("");
  if (record && !isMetricName(rule.record)) {
    ctx.error(node["record"], "record: \"" + rule.record +
                                  "\" is not a valid metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)");
  }
  rule.position = SourcePosition{node.Mark().line + 1, node.Mark().column + 1};
  rule.parsedExpr = readExpr(node["expr"], "expr", true, ctx);
  rule.expr = node["expr"].IsScalar() ? node["expr"].Scalar() : "";
  rule.labels = mergedLabels(node, group, ctx);
  rule.group = group.name;
  if (ctx.errorCount() == errorsBefore) {
    out.recordings.push_back(std::move(rule));
  }
}

}  // namespace

void loadPrometheusRule(const YAML::Node& node, const GroupInfo& group, PrometheusContext& pc,
                        RuleSet& out) {
  if (!checkKeys(node, kRuleKeys, "rule", pc.ctx)) {
    return;
  }
  const bool alert = static_cast<bool>(node["alert"]);
  const bool record = static_cast<bool>(node["record"]);
  if (alert == record) {
    pc.ctx.error(node, alert ? "rule: give either alert or record, not both"
                             : "rule: missing required field alert (or record)");
    return;
  }
  if (!node["expr"]) {
    pc.ctx.error(node, "rule: missing required field expr");
    return;
  }
  if (alert) {
    loadAlert(node, group, pc, out);
  } else {
    loadRecording(node, group, pc, out);
  }
}

}  // namespace nova::rules::detail
