#pragma once

#include <map>
#include <string>

#include "nova/core/result.h"
#include "nova/remote/rounds.h"
#include "nova/rules/loader.h"

namespace nova::remote {

/// Every remote rule of `ruleSet` names a configured source: kInvalidInput otherwise, one
/// line per rule ("rule error_rate: source \"thanos\" is not configured (configured:
/// prometheus)"; `source: prometheus` with several sources and none named so says that).
Status checkRuleSources(const rules::RuleSet& ruleSet, const SourceSet& sources);

/// /status's "sources": {"<name>": {"url", "queries", "failures", "last_error",
/// "last_error_at", "last_duration_ms"}}.
std::string sourcesJson(const SourceSet& sources,
                        const std::map<std::string, SourceStatus>& status);

}  // namespace nova::remote
