// Tells a rule file's format from its shape and loads the formats other than the agent's own.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>

#include "nova/rules/detail/fields.h"
#include "prometheus_loader.h"
#include "round_memory.h"

namespace nova::rules::detail {
namespace {

enum class Shape { kAgent, kPrometheusRules, kPrometheusRule, kImportable, kOtherResource };

constexpr std::array<std::string_view, 1> kRuleFileKeys{"groups"};
constexpr std::array<std::string_view, 4> kResourceKeys{"apiVersion", "kind", "metadata", "spec"};
constexpr std::array<std::string_view, 1> kSpecKeys{"groups"};
constexpr std::array<std::string_view, 4> kImportableKinds{
    "AnalysisTemplate", "ClusterAnalysisTemplate", "MetricTemplate", "Canary"};
constexpr std::string_view kPrometheusRuleVersion = "monitoring.coreos.com/v1";

std::string kindOf(const YAML::Node& root) {
  const YAML::Node kind = root.IsMap() ? root["kind"] : YAML::Node();
  return kind && kind.IsScalar() && root["apiVersion"] ? kind.Scalar() : std::string();
}

Shape shapeOf(const YAML::Node& root) {
  if (!root.IsMap()) {
    return Shape::kAgent;
  }
  const std::string kind = kindOf(root);
  if (kind == "PrometheusRule") {
    return Shape::kPrometheusRule;
  }
  if (std::find(kImportableKinds.begin(), kImportableKinds.end(), kind) != kImportableKinds.end()) {
    return Shape::kImportable;
  }
  if (!kind.empty()) {
    return Shape::kOtherResource;
  }
  return root["groups"] && !root["rules"] ? Shape::kPrometheusRules : Shape::kAgent;
}

void loadRuleFile(const YAML::Node& root, PrometheusContext& pc, RuleSet& out) {
  if (!checkKeys(root, kRuleFileKeys, "Prometheus rule file", pc.ctx)) {
    return;
  }
  countAlerts(root["groups"], pc);
  loadPrometheusGroups(root["groups"], pc, out);
}

// One PrometheusRule document: its spec.groups, loaded like a rule file's groups.
void loadResource(const YAML::Node& doc, PrometheusContext& pc, RuleSet& out) {
  LoadContext& ctx = pc.ctx;
  if (!checkKeys(doc, kResourceKeys, "PrometheusRule", ctx)) {
    return;
  }
  if (doc["apiVersion"].Scalar() != kPrometheusRuleVersion) {
    ctx.error(doc["apiVersion"], "PrometheusRule: apiVersion must be " +
                                     std::string(kPrometheusRuleVersion) + ", got \"" +
                                     doc["apiVersion"].Scalar() + "\"");
    return;
  }
  const YAML::Node spec = doc["spec"];
  if (!spec || spec.IsNull()) {
    return;  // a PrometheusRule without groups holds no rules, as for the operator
  }
  if (checkKeys(spec, kSpecKeys, "PrometheusRule spec", ctx) && spec["groups"]) {
    loadPrometheusGroups(spec["groups"], pc, out);
  }
}

// Every document of the file: the PrometheusRules are loaded (alert names are made unique
// across all of them), other documents are skipped with a note.
void loadResources(std::string_view text, PrometheusContext& pc, RuleSet& out) {
  const std::vector<YAML::Node> documents = YAML::LoadAll(std::string(text));
  for (const YAML::Node& doc : documents) {
    if (shapeOf(doc) == Shape::kPrometheusRule && doc["spec"] && doc["spec"].IsMap()) {
      countAlerts(doc["spec"]["groups"], pc);
    }
  }
  for (std::size_t i = 0; i < documents.size(); ++i) {
    const YAML::Node& doc = documents[i];
    if (doc.IsNull()) {
      continue;
    }
    if (shapeOf(doc) == Shape::kPrometheusRule) {
      loadResource(doc, pc, out);
      continue;
    }
    const std::string kind = kindOf(doc);
    pc.note(doc, "document " + std::to_string(i + 1) + " (" +
                     (kind.empty() ? std::string("no kind") : "kind " + kind) +
                     ") is not a PrometheusRule and is skipped");
  }
}

bool hasPrometheusRule(std::string_view text) {
  const std::vector<YAML::Node> documents = YAML::LoadAll(std::string(text));
  return std::any_of(documents.begin(), documents.end(),
                     [](const YAML::Node& doc) { return shapeOf(doc) == Shape::kPrometheusRule; });
}

bool keepsFiring(const RuleSet& set) {
  return std::any_of(set.rules.begin(), set.rules.end(),
                     [](const Rule& rule) { return rule.keepFiringFor > 0; });
}

}  // namespace

bool isAgentFormat(const YAML::Node& root) {
  return shapeOf(root) == Shape::kAgent;
}

std::vector<Diagnostic> loadOtherFormat(const YAML::Node& root, LoadContext& ctx,
                                        std::string_view fileName, RuleSet& out) {
  PrometheusContext pc(ctx, fileName);
  const std::string kind = kindOf(root);
  switch (shapeOf(root)) {
    case Shape::kPrometheusRules:
      loadRuleFile(root, pc, out);
      break;
    case Shape::kPrometheusRule:
      loadResources(ctx.text(), pc, out);
      break;
    case Shape::kImportable:
      ctx.error(root["kind"], "a " + kind +
                                  " is not a rule file; convert it into one with `novactl rules "
                                  "import " +
                                  std::string(fileName) + "`");
      break;
    case Shape::kOtherResource:
      if (hasPrometheusRule(ctx.text())) {
        loadResources(ctx.text(), pc, out);
        break;
      }
      ctx.error(root["kind"], "a " + kind +
                                  " is not a rule file (expected the agent's `rules:`, a "
                                  "Prometheus rule file's `groups:` or a PrometheusRule)");
      break;
    case Shape::kAgent:
      break;
  }
  if (!out.recordings.empty() || keepsFiring(out)) {
    out.memory = newRoundMemory();
  }
  std::stable_sort(pc.notes.begin(), pc.notes.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return a.line != b.line ? a.line < b.line : a.column < b.column;
  });
  return std::move(pc.notes);
}

}  // namespace nova::rules::detail
