#include "nova/remote/rule_sources.h"

#include <boost/json.hpp>

namespace nova::remote {

Status checkRuleSources(const rules::RuleSet& ruleSet, const SourceSet& sources) {
  std::string configured;
  for (const SourceConfig& source : sources.all()) {
    configured += (configured.empty() ? "" : ", ") + source.name;
  }
  std::string problems;
  for (const rules::Rule& rule : ruleSet.rules) {
    if (rule.source != rules::RuleSource::kPrometheus || sources.find(rule.sourceName)) {
      continue;
    }
    problems += (problems.empty() ? "" : "\n") + std::string("rule ") + rule.name + ": source \"" +
                rule.sourceName + "\" is not configured (" +
                (configured.empty() ? std::string("no sources: in the agent config")
                                    : "configured: " + configured) +
                ")";
  }
  if (!problems.empty()) {
    return Error(ErrorCode::kInvalidInput, problems);
  }
  return {};
}

std::string sourcesJson(const SourceSet& sources,
                        const std::map<std::string, SourceStatus>& status) {
  namespace json = boost::json;
  json::object out;
  for (const SourceConfig& source : sources.all()) {
    const auto it = status.find(source.name);
    const SourceStatus s = it == status.end() ? SourceStatus{} : it->second;
    out[source.name] = json::object{
        {"url", source.url},
        {"queries", s.queries},
        {"failures", s.failures},
        {"last_error", s.lastError.empty() ? json::value(nullptr) : json::value(s.lastError)},
        {"last_error_at", s.lastErrorAt ? json::value(*s.lastErrorAt) : json::value(nullptr)},
        {"last_duration_ms", s.lastDuration}};
  }
  return json::serialize(out);
}

}  // namespace nova::remote
