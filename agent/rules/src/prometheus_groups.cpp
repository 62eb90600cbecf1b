// The groups of a Prometheus rule file: their fields, and the rules they hold.
#include <yaml-cpp/yaml.h>

#include <array>

#include "nova/rules/detail/fields.h"
#include "prometheus_loader.h"

namespace nova::rules::detail {
namespace {

constexpr std::array<std::string_view, 7> kGroupKeys{
    "name", "interval", "query_offset", "limit", "labels", "rules", "partial_response_strategy"};

// Fields Prometheus applies to a group's schedule or output, which the agent, evaluating
// every rule at each of its own ticks over its own scrapes, accepts but does not apply.
void noteIgnoredFields(const YAML::Node& group, const std::string& name, PrometheusContext& pc) {
  LoadContext& ctx = pc.ctx;
  const std::string where = "group \"" + name + "\": ";
  if (group["interval"]) {
    if (auto interval = readDuration(group["interval"], "interval", ctx)) {
      pc.note(group["interval"], where + "interval " + formatDuration(*interval) +
                                     " is not applied: the agent evaluates every rule at each "
                                     "of its ticks");
    }
  }
  if (group["query_offset"]) {
    if (auto offset = readDuration(group["query_offset"], "query_offset", ctx)) {
      pc.note(group["query_offset"],
              where + "query_offset " + formatDuration(*offset) +
                  " is not applied: the agent evaluates its own scrapes at the tick's time");
    }
  }
  if (group["limit"]) {
    const auto limit = readNumber(group["limit"], "limit", ctx);
    if (limit && (*limit < 0 || *limit != static_cast<double>(static_cast<long long>(*limit)))) {
      ctx.error(group["limit"], "limit must be a whole number, 0 or more");
    } else if (limit && *limit > 0) {
      pc.note(group["limit"], where + "limit " + group["limit"].Scalar() +
                                  " is not enforced: every alert instance counts");
    }
  }
  if (group["partial_response_strategy"]) {
    if (readString(group["partial_response_strategy"], "partial_response_strategy", ctx)) {
      pc.note(group["partial_response_strategy"],
              where + "partial_response_strategy is for Thanos Ruler and is not applied");
    }
  }
}

}  // namespace

void PrometheusContext::note(const YAML::Node& node, std::string message) {
  const YAML::Mark mark = node.Mark();
  note(mark.is_null() ? FilePos{1, 1} : FilePos{mark.line + 1, mark.column + 1},
       std::move(message));
}

void PrometheusContext::note(FilePos pos, std::string message) {
  notes.push_back(Diagnostic{fileName, pos.line, pos.column, std::move(message)});
}

void countAlerts(const YAML::Node& groups, PrometheusContext& pc) {
  if (!groups || !groups.IsSequence()) {
    return;
  }
  for (const YAML::Node& group : groups) {
    const YAML::Node rules = group.IsMap() ? group["rules"] : YAML::Node();
    if (!rules || !rules.IsSequence()) {
      continue;
    }
    for (const YAML::Node& rule : rules) {
      if (rule.IsMap() && rule["alert"] && rule["alert"].IsScalar()) {
        ++pc.alertCounts[rule["alert"].Scalar()];
      }
    }
  }
}

void loadPrometheusGroups(const YAML::Node& groups, PrometheusContext& pc, RuleSet& out) {
  LoadContext& ctx = pc.ctx;
  if (!groups.IsSequence()) {
    ctx.error(groups, "groups must be a list of rule groups");
    return;
  }
  std::map<std::string, int, std::less<>> firstLine;
  std::size_t count = 0;
  for (const YAML::Node& group : groups) {
    if (!checkKeys(group, kGroupKeys, "group", ctx)) {
      continue;
    }
    GroupInfo info;
    if (!group["name"]) {
      ctx.error(group, "group: missing required field name");
    } else if (auto name = readString(group["name"], "name", ctx)) {
      info.name = *name;
      if (info.name.empty()) {
        ctx.error(group["name"], "group: the name is empty");
      }
      const auto [it, fresh] = firstLine.emplace(info.name, group["name"].Mark().line + 1);
      if (!fresh) {
        ctx.error(group["name"], "duplicate group name \"" + info.name +
                                     "\" (first defined at line " + std::to_string(it->second) +
                                     ")");
      }
    }
    noteIgnoredFields(group, info.name, pc);
    if (group["labels"]) {
      info.labelsNode = group["labels"];
      info.labels = readStringMap(group["labels"], "labels", ctx);
    }
    const YAML::Node rules = group["rules"];
    if (!rules || rules.IsNull()) {
      continue;
    }
    if (!rules.IsSequence()) {
      ctx.error(rules, "rules must be a list of alerting and recording rules");
      continue;
    }
    for (const YAML::Node& rule : rules) {
      if (++count > kMaxRulesPerFile) {
        ctx.error(rule, tooManyRules());
        return;
      }
      loadPrometheusRule(rule, info, pc, out);
    }
  }
}

}  // namespace nova::rules::detail
