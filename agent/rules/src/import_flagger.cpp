// Flagger Canary metrics (with their MetricTemplates) as agent rules.
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <map>

#include "import_common.h"
#include "nova/rules/template.h"

namespace nova::rules::detail {
namespace {

constexpr DurationMs kDefaultInterval = kMinute;        // Flagger's analysis and metric interval
constexpr DurationMs kShortestInterval = 10 * kSecond;  // Flagger runs no faster

std::string nameOf(const YAML::Node& doc) {
  return scalarOr(field(field(doc, "metadata"), "name"), "?");
}

std::string namespaceOf(const YAML::Node& doc) {
  return scalarOr(field(field(doc, "metadata"), "namespace"));
}

// The MetricTemplate `ref` names, looked up as Flagger does: its namespace is the ref's,
// else the Canary's; a template without a namespace matches any.
const Document* findTemplate(const std::vector<Document>& templates, const YAML::Node& ref,
                             const std::string& canaryNamespace) {
  const std::string name = scalarOr(field(ref, "name"));
  const std::string ns = scalarOr(field(ref, "namespace"), canaryNamespace);
  for (const Document& t : templates) {
    const std::string tns = namespaceOf(t.node);
    if (nameOf(t.node) == name && (tns.empty() || ns.empty() || tns == ns)) {
      return &t;
    }
  }
  return nullptr;
}

// The values of a query's variables, from the Canary and the metric, with --arg over them.
std::map<std::string, std::string, std::less<>> queryVariables(const YAML::Node& canary,
                                                               const YAML::Node& metric,
                                                               const ImportOptions& options) {
  std::map<std::string, std::string, std::less<>> vars;
  const YAML::Node spec = field(canary, "spec");
  const std::string target = scalarOr(field(field(spec, "targetRef"), "name"));
  vars["name"] = nameOf(canary);
  if (!namespaceOf(canary).empty()) {
    vars["namespace"] = namespaceOf(canary);
  }
  if (!target.empty()) {
    vars["target"] = target;
    vars["service"] = scalarOr(field(field(spec, "service"), "name"), target);
    vars["ingress"] = scalarOr(field(field(spec, "ingressRef"), "name"), target);
  }
  vars["interval"] = scalarOr(field(metric, "interval"), "1m");
  const YAML::Node variables = field(metric, "templateVariables");
  if (variables.IsMap()) {
    for (auto it = variables.begin(); it != variables.end(); ++it) {
      vars["variables." + scalarOr(it->first)] = scalarOr(it->second);
    }
  }
  for (const auto& [name, value] : options.args) {
    vars[name] = value;
  }
  return vars;
}

struct Analysis {
  DurationMs interval = kDefaultInterval;
  long long threshold = 1;
};

// The analysis' interval and threshold (Flagger's defaults when absent); nullopt with
// `why` when one is not usable.
std::optional<Analysis> readAnalysis(const YAML::Node& analysis, std::string& why) {
  Analysis out;
  if (field(analysis, "interval")) {
    const std::string text = scalarOr(field(analysis, "interval"));
    auto interval = parseDuration(text);
    if (!interval.ok()) {
      why = "analysis.interval \"" + text + "\": " + interval.error().message;
      return std::nullopt;
    }
    out.interval = std::max(*interval, kShortestInterval);
  }
  if (field(analysis, "threshold")) {
    const std::string text = scalarOr(field(analysis, "threshold"));
    char* end = nullptr;
    errno = 0;
    out.threshold = std::strtoll(text.c_str(), &end, 10);
    DurationMs forDuration = 0;
    if (text.empty() || *end != '\0' || errno == ERANGE || out.threshold < 1 ||
        __builtin_mul_overflow(out.threshold - 1, out.interval, &forDuration)) {
      why = "analysis.threshold \"" + text + "\" is not a usable number of failed checks";
      return std::nullopt;
    }
  }
  return out;
}

// The query of a Canary metric: its template's (filled), or its own inline query.
// `address` receives the provider's address, for the comments.
std::optional<std::string> metricQuery(const YAML::Node& canary, const YAML::Node& metric,
                                       const std::vector<Document>& templates,
                                       const ImportOptions& options, std::string& address,
                                       std::string& why) {
  if (const std::string inline_ = scalarOr(field(metric, "query")); !inline_.empty()) {
    return inline_;
  }
  const YAML::Node ref = field(metric, "templateRef");
  if (!ref) {
    why =
        "it is a built-in metric: its query depends on the mesh or ingress provider; write "
        "it as a MetricTemplate";
    return std::nullopt;
  }
  const Document* found = findTemplate(templates, ref, namespaceOf(canary));
  if (found == nullptr) {
    why = "its MetricTemplate \"" + scalarOr(field(ref, "name")) +
          "\" is not in the input; give its file too";
    return std::nullopt;
  }
  const YAML::Node provider = field(field(found->node, "spec"), "provider");
  const std::string type = scalarOr(field(provider, "type"));
  address = scalarOr(field(provider, "address"));
  if (type != "prometheus") {
    why = "the provider of MetricTemplate \"" + nameOf(found->node) + "\" is " +
          (type.empty() ? "not given" : type) + ", not Prometheus";
    return std::nullopt;
  }
  const auto vars = queryVariables(canary, metric, options);
  const Filled filled =
      fillPlaceholders(scalarOr(field(field(found->node, "spec"), "query")), [&](auto name) {
        const auto it = vars.find(name);
        return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
      });
  if (filled.missing) {
    why = "query variable " + *filled.missing + " of MetricTemplate \"" + nameOf(found->node) +
          "\" has no value; give it with --arg " + *filled.missing + "=VALUE";
    return std::nullopt;
  }
  return filled.text;
}

// One rule per bound: below `min`, above `max` (or above the deprecated `threshold`).
std::vector<std::pair<std::string, Threshold>> bounds(const YAML::Node& metric, std::string& why) {
  std::vector<std::pair<std::string, Threshold>> out;
  const YAML::Node range = field(metric, "thresholdRange");
  for (const auto& [key, op] :
       {std::pair{"min", ThresholdOp::kLess}, std::pair{"max", ThresholdOp::kGreater}}) {
    if (const YAML::Node bound = field(range, key); bound) {
      char* end = nullptr;
      const std::string text = scalarOr(bound);
      const double value = std::strtod(text.c_str(), &end);
      if (text.empty() || *end != '\0') {
        why = std::string("thresholdRange.") + key + " \"" + text + "\" is not a number";
        return {};
      }
      out.emplace_back(key, Threshold{op, value});
    }
  }
  if (out.empty() && field(metric, "threshold")) {
    out.emplace_back("max",
                     Threshold{ThresholdOp::kGreater,
                               std::strtod(scalarOr(field(metric, "threshold")).c_str(), nullptr)});
  }
  if (out.empty()) {
    why = "it has no thresholdRange: nothing to judge";
  }
  return out;
}

void importMetric(const YAML::Node& canary, const YAML::Node& metric, const Analysis& analysis,
                  const std::vector<Document>& templates, ImportLog& log) {
  const std::string name = scalarOr(field(metric, "name"), "?");
  const std::string what = "metric \"" + name + "\" of Canary \"" + nameOf(canary) + "\"";
  std::string why;
  std::string address;
  const auto query = metricQuery(canary, metric, templates, log.options(), address, why);
  const auto limits = query ? bounds(metric, why) : decltype(bounds(metric, why)){};
  const auto checked =
      limits.empty() ? std::nullopt : checkQuery(*query, log.options().source, why);
  if (!checked) {
    log.refuse(metric, what, why);
    return;
  }
  const DurationMs forDuration = (analysis.threshold - 1) * analysis.interval;
  const std::string note =
      "Flagger rolls back after " + std::to_string(analysis.threshold) +
      " failed checks over the whole analysis; the agent after a breach lasting " +
      formatDuration(forDuration) + " ((threshold - 1) x interval)";
  if (analysis.threshold > 1) {
    log.note(metric, "metric \"" + name + "\": " + note);
  }
  for (const auto& [bound, threshold] : limits) {
    // Flagger fails a check on no value and on NaN ("no values found"), as on a breach.
    FailureSpec spec;
    spec.onEmpty = Verdict::kFail;
    spec.onNaN = Verdict::kFail;
    spec.onValue = FailureSpec::OnValue::kThreshold;
    spec.comparison = ValueComparison{threshold, false};
    auto parts = buildRuleParts(*checked, spec, why);
    ImportedRule rule;
    rule.name = limits.size() == 1 ? name : name + "/" + bound;
    rule.parts = std::move(*parts);
    rule.forDuration = forDuration;
    rule.summary = name + ": {{ $value }}";
    rule.description =
        "Flagger Canary \"" + nameOf(canary) + "\", metric \"" + name + "\": fails when " + bound +
        " " + formatValue(threshold.value, ValueFormat::kPlain) +
        (bound == "min" ? " is not reached" : " is exceeded") + "; analysis threshold " +
        std::to_string(analysis.threshold) + ", interval " + formatDuration(analysis.interval);
    rule.comments.push_back("From " + log.at(metric) + ": " + what + ", " + bound + " " +
                            formatValue(threshold.value, ValueFormat::kPlain) + ".");
    rule.comments.push_back("No value or NaN fails a Flagger check: here it breaches too.");
    if (!address.empty()) {
      rule.comments.push_back("Flagger queried " + address + ".");
    }
    if (analysis.threshold > 1) {
      rule.comments.push_back("Note: " + note + ".");
    }
    log.add(metric, what, nameOf(canary), std::move(rule));
  }
}

}  // namespace

void importCanaries(const std::vector<Document>& canaries, const std::vector<Document>& templates,
                    ImportLog& log) {
  std::map<std::string, bool> used;
  for (const Document& canary : canaries) {
    log.setFile(canary.file);
    const YAML::Node spec = field(canary.node, "spec");
    const YAML::Node analysis =
        field(spec, "analysis") ? field(spec, "analysis") : field(spec, "canaryAnalysis");
    const YAML::Node metrics = field(analysis, "metrics");
    if (!metrics || !metrics.IsSequence() || metrics.size() == 0) {
      log.refuse(canary.node, "Canary \"" + nameOf(canary.node) + "\"",
                 "it has no analysis.metrics");
      continue;
    }
    std::string why;
    const std::optional<Analysis> settings = readAnalysis(analysis, why);
    if (!settings) {
      log.refuse(canary.node, "Canary \"" + nameOf(canary.node) + "\"", why);
      continue;
    }
    for (const YAML::Node& metric : metrics) {
      if (const Document* t =
              findTemplate(templates, field(metric, "templateRef"), namespaceOf(canary.node));
          t != nullptr && field(metric, "templateRef")) {
        used[t->file + "/" + nameOf(t->node)] = true;
      }
      importMetric(canary.node, metric, *settings, templates, log);
    }
  }
  for (const Document& t : templates) {
    if (!used[t.file + "/" + nameOf(t.node)]) {
      log.setFile(t.file);
      log.refuse(t.node, "MetricTemplate \"" + nameOf(t.node) + "\"",
                 "no Canary in the input uses it, and its thresholds live in the Canary's "
                 "analysis.metrics");
    }
  }
}

}  // namespace nova::rules::detail
