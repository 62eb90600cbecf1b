// Argo Rollouts AnalysisTemplate metrics with the Prometheus provider, as agent rules.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>

#include "import_common.h"
#include "nova/rules/template.h"

namespace nova::rules::detail {
namespace {

// The template's arguments: the values it gives, over them --arg, and for each argument
// without a value where its value would come from.
struct Arguments {
  std::map<std::string, std::string, std::less<>> values;
  std::map<std::string, std::string, std::less<>> unset;

  Arguments(const YAML::Node& args, const ImportOptions& options) {
    if (args && args.IsSequence()) {
      for (const YAML::Node& arg : args) {
        const std::string name = scalarOr(field(arg, "name"));
        if (field(arg, "value").IsScalar()) {
          values[name] = field(arg, "value").Scalar();
        } else {
          unset[name] = field(arg, "valueFrom")
                            ? "from valueFrom (a secret or a field of the Rollout)"
                            : "given by the Rollout";
        }
      }
    }
    for (const auto& [name, value] : options.args) {
      values[name] = value;
      unset.erase(name);
    }
  }

  // The field's text with every {{args.NAME}} filled; nullopt with `why` otherwise.
  std::optional<std::string> fill(const std::string& text, std::string& why) const {
    const Filled filled = fillPlaceholders(text, [&](std::string_view name) {
      std::optional<std::string> value;
      if (name.starts_with("args.")) {
        if (auto it = values.find(name.substr(5)); it != values.end()) {
          value = it->second;
        }
      }
      return value;
    });
    if (!filled.missing) {
      return filled.text;
    }
    const std::string& name = *filled.missing;
    if (!name.starts_with("args.")) {
      why = "{{" + name + "}} is not an argument of the template";
    } else if (auto it = unset.find(name.substr(5)); it != unset.end()) {
      why = "argument " + name.substr(5) + " has no value (it is " + it->second +
            "); give it with --arg " + name.substr(5) + "=VALUE";
    } else {
      why = "argument " + name.substr(5) + " is not declared in spec.args; give it with --arg " +
            name.substr(5) + "=VALUE";
    }
    return std::nullopt;
  }
};

struct MetricFields {
  std::string name;
  std::string query;
  std::optional<std::string> success;
  std::optional<std::string> failure;
  std::optional<DurationMs> interval;
  long long failureLimit = 0;
};

// Reads and fills the fields of one metric; nullopt with `why` when one is unusable.
std::optional<MetricFields> readMetric(const YAML::Node& metric, const Arguments& args,
                                       std::string& why) {
  MetricFields fields;
  fields.name = scalarOr(field(metric, "name"));
  const YAML::Node prometheus = field(field(metric, "provider"), "prometheus");
  auto query = args.fill(scalarOr(field(prometheus, "query")), why);
  if (!query) {
    return std::nullopt;
  }
  fields.query = *query;
  for (auto [key, into] : {std::pair{"successCondition", &fields.success},
                           std::pair{"failureCondition", &fields.failure}}) {
    if (const std::string text = scalarOr(field(metric, key)); !text.empty()) {
      auto condition = args.fill(text, why);
      if (!condition) {
        return std::nullopt;
      }
      *into = *condition;
    }
  }
  if (field(metric, "interval")) {
    auto text = args.fill(scalarOr(field(metric, "interval")), why);
    if (!text) {
      return std::nullopt;
    }
    auto interval = parseDuration(*text);
    if (!interval.ok()) {
      why = "interval \"" + *text + "\": " + interval.error().message;
      return std::nullopt;
    }
    fields.interval = *interval;
  }
  if (field(metric, "failureLimit")) {
    auto text = args.fill(scalarOr(field(metric, "failureLimit")), why);
    if (!text) {
      return std::nullopt;
    }
    char* end = nullptr;
    fields.failureLimit = std::strtoll(text->c_str(), &end, 10);
    if (text->empty() || *end != '\0' || fields.failureLimit < -1) {
      why = "failureLimit \"" + *text + "\" is not a whole number of -1 or more";
      return std::nullopt;
    }
    if (fields.failureLimit == -1) {
      why = "failureLimit -1: Argo never fails the analysis on this metric";
      return std::nullopt;
    }
  }
  DurationMs forDuration = 0;
  if (fields.interval &&
      __builtin_mul_overflow(fields.failureLimit, *fields.interval, &forDuration)) {
    why = "failureLimit " + std::to_string(fields.failureLimit) + " x interval is too long a time";
    return std::nullopt;
  }
  return fields;
}

std::optional<ConditionAnalysis> readCondition(const std::optional<std::string>& text,
                                               const char* key, std::string& why) {
  ConditionRefusal refusal;
  auto analysis = analyseCondition(*text, refusal);
  if (!analysis) {
    why = std::string(key) + " \"" + *text + "\": " + refusal.reason + " (at column " +
          std::to_string(refusal.offset + 1) + ")";
  }
  return analysis;
}

bool isDryRun(const YAML::Node& spec, const std::string& metric) {
  const YAML::Node dryRun = field(spec, "dryRun");
  if (!dryRun || !dryRun.IsSequence()) {
    return false;
  }
  return std::any_of(dryRun.begin(), dryRun.end(), [&](const YAML::Node& entry) {
    const std::string name = scalarOr(field(entry, "metricName"));
    return name == metric || name == ".*";
  });
}

// Why the metric's provider is not one the agent can take, or "".
std::string providerProblem(const YAML::Node& metric) {
  const YAML::Node provider = field(metric, "provider");
  if (!provider || !provider.IsMap() || provider.size() == 0) {
    return "it has no provider";
  }
  if (!field(provider, "prometheus")) {
    return "its provider is " + scalarOr(provider.begin()->first, "?") + ", not Prometheus";
  }
  if (field(field(provider, "prometheus"), "rangeQuery")) {
    return "it is a range query (rangeQuery): the agent judges instant queries; write the "
           "window into the query (max_over_time(...[5m]), rate(...[5m]))";
  }
  return "";
}

// The differences between Argo's judgement and the rule's, as notes and comments.
void noteDifferences(const YAML::Node& metric, const MetricFields& fields, const FailureSpec& spec,
                     ImportLog& log, ImportedRule& rule) {
  std::vector<std::string> notes;
  if (!fields.interval) {
    notes.push_back(
        "without an interval Argo takes one measurement; the agent judges the "
        "query at every tick");
  } else if (fields.failureLimit > 0) {
    notes.push_back("Argo fails the metric after " + std::to_string(fields.failureLimit + 1) +
                    " failed measurements over the whole run; the agent after a breach lasting " +
                    formatDuration(rule.forDuration) + " (failureLimit x interval)");
  }
  if (field(metric, "count")) {
    notes.push_back("count " + scalarOr(field(metric, "count")) +
                    ": Argo stops measuring after that many; the agent judges for the whole "
                    "rollback window");
  }
  if (field(metric, "initialDelay")) {
    notes.push_back("initialDelay " + scalarOr(field(metric, "initialDelay")) +
                    " is not applied: the agent judges from the traffic switch on");
  }
  if (spec.inconclusive) {
    notes.push_back(
        "a measurement neither condition holds for is inconclusive in Argo; the "
        "agent counts it ok");
  }
  if (spec.onEmpty == Verdict::kError) {
    notes.push_back("an empty result is a measurement error in Argo (the run errs after " +
                    scalarOr(field(metric, "consecutiveErrorLimit"), "4") +
                    " in a row); the agent counts the rule unknown (policy unknown)");
  }
  for (const std::string& note : notes) {
    log.note(metric, "metric \"" + fields.name + "\": " + note);
    rule.comments.push_back("Note: " + note + ".");
  }
}

void importMetric(const YAML::Node& metric, const YAML::Node& spec, const std::string& owner,
                  const std::string& ownerName, const Arguments& args, ImportLog& log) {
  const std::string name = scalarOr(field(metric, "name"), "?");
  const std::string what = "metric \"" + name + "\" of " + owner;
  if (const std::string problem = providerProblem(metric); !problem.empty()) {
    log.refuse(metric, what, problem);
    return;
  }
  if (isDryRun(spec, name)) {
    log.refuse(metric, what, "it is a dry run (spec.dryRun): Argo never fails the analysis on it");
    return;
  }
  std::string why;
  const auto fields = readMetric(metric, args, why);
  std::optional<ConditionAnalysis> success;
  std::optional<ConditionAnalysis> failure;
  std::optional<FailureSpec> failing;
  std::optional<QueryText> query;
  std::optional<RuleParts> parts;
  const bool ok =
      fields &&
      (!fields->success || (success = readCondition(fields->success, "successCondition", why))) &&
      (!fields->failure || (failure = readCondition(fields->failure, "failureCondition", why))) &&
      (failing = argoFailure(success, failure, why)) &&
      (query = checkQuery(fields->query, log.options().source, why)) &&
      (parts = buildRuleParts(*query, *failing, why));
  if (!ok) {
    log.refuse(metric, what, why);
    return;
  }
  ImportedRule rule;
  rule.name = name;
  rule.parts = std::move(*parts);
  rule.forDuration = fields->interval ? fields->failureLimit * *fields->interval : 0;
  std::string conditions;
  for (const auto& [key, text] : {std::pair{"successCondition", fields->success},
                                  std::pair{"failureCondition", fields->failure}}) {
    if (text) {
      conditions += std::string(conditions.empty() ? "" : "; ") + key + " " + *text;
    }
  }
  rule.description = "Argo Rollouts " + owner + ", metric \"" + name + "\": " + conditions +
                     "; failureLimit " + std::to_string(fields->failureLimit) +
                     (fields->interval ? "; interval " + formatDuration(*fields->interval) : "");
  rule.summary = name + ": {{ $value }}";
  rule.comments.push_back("From " + log.at(metric) + ": " + what + ".");
  rule.comments.push_back(
      conditions + "; failureLimit " + std::to_string(fields->failureLimit) +
      (fields->interval ? ", interval " + formatDuration(*fields->interval) : ", no interval") +
      ".");
  std::string unused;
  const std::string address =
      args.fill(scalarOr(field(field(field(metric, "provider"), "prometheus"), "address")), unused)
          .value_or("");
  if (!address.empty()) {
    rule.comments.push_back("Argo queried " + address + ".");
  }
  noteDifferences(metric, *fields, *failing, log, rule);
  log.add(metric, what, ownerName, std::move(rule));
}

}  // namespace

void importAnalysisTemplate(const Document& doc, ImportLog& log) {
  log.setFile(doc.file);
  const YAML::Node& node = doc.node;
  const std::string name = scalarOr(field(field(node, "metadata"), "name"), "?");
  const std::string owner = scalarOr(field(node, "kind")) + " \"" + name + "\"";
  const YAML::Node spec = field(node, "spec");
  const YAML::Node metrics = field(spec, "metrics");
  if (!metrics || !metrics.IsSequence() || metrics.size() == 0) {
    log.refuse(node, owner, "it has no spec.metrics");
    return;
  }
  const Arguments args(field(spec, "args"), log.options());
  for (const YAML::Node& metric : metrics) {
    importMetric(metric, spec, owner, name, args, log);
  }
}

}  // namespace nova::rules::detail
