#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "nova/rules/detail/context.h"
#include "nova/rules/loader.h"

namespace nova::rules::detail {

/// The state of loading one input in Prometheus's rule format (a rule file, or the
/// PrometheusRule documents of one file).
struct PrometheusContext {
  PrometheusContext(LoadContext& context, std::string_view file) : ctx(context), fileName(file) {}

  LoadContext& ctx;
  std::string fileName;
  std::vector<Diagnostic> notes;
  /// How often each `alert` name appears in the whole input (decides renaming).
  std::map<std::string, int, std::less<>> alertCounts;
  /// Rule names given so far.
  std::set<std::string, std::less<>> usedNames;

  /// Records a note at the start of `node`.
  void note(const YAML::Node& node, std::string message);
  void note(FilePos pos, std::string message);
};

/// A group's name and labels, which its rules inherit.
struct GroupInfo {
  std::string name;
  std::map<std::string, std::string> labels;
  /// The group's `labels:` node (null when absent), to point at an inherited severity.
  YAML::Node labelsNode;
};

/// Counts the `alert` names of a `groups:` list into pc.alertCounts (first pass).
void countAlerts(const YAML::Node& groups, PrometheusContext& pc);

/// Loads a `groups:` list (a rule file's or a PrometheusRule's spec) into `out`.
void loadPrometheusGroups(const YAML::Node& groups, PrometheusContext& pc, RuleSet& out);

/// Loads one entry of a group's `rules:`: an alerting rule into out.rules, a recording rule
/// into out.recordings. Every problem goes to pc.ctx.
void loadPrometheusRule(const YAML::Node& node, const GroupInfo& group, PrometheusContext& pc,
                        RuleSet& out);

/// True when `root` (the first YAML document) is in the agent's own rule format: anything
/// that is neither a Prometheus rule file nor a Kubernetes resource.
bool isAgentFormat(const YAML::Node& root);

/// Loads a file that is not in the agent's own format: a Prometheus rule file, or one or
/// more PrometheusRule documents (read again from ctx.text()). Analysis resources of Argo
/// Rollouts and Flagger, and other Kubernetes kinds, are refused with a hint. Returns the
/// notes, sorted by place.
std::vector<Diagnostic> loadOtherFormat(const YAML::Node& root, LoadContext& ctx,
                                        std::string_view fileName, RuleSet& out);

}  // namespace nova::rules::detail
