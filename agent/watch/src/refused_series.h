#pragma once

#include <optional>
#include <string>
#include <vector>

#include "nova/rules/evaluator.h"
#include "nova/rules/loader.h"
#include "nova/tsdb/scrape_appender.h"

namespace nova::watch::detail {

/// The scraped metric names one rule reads: its expression's and guard's selectors, and
/// through the recording rules it reads, theirs. nullopt when some selector has no fixed
/// name (it may read any metric); empty for a rule evaluated by a Prometheus server.
using ReadNames = std::optional<std::vector<std::string>>;

/// ReadNames of every rule of `ruleSet`, in its order.
std::vector<ReadNames> readNamesByRule(const rules::RuleSet& ruleSet);

/// A rule that reads a metric name whose series the store refused in the last scrape sees
/// only part of that metric: a sum, a ratio or a "no errors" over it could read as fine
/// while the refused series carry the failure. Such a rule is judged on no data (unknown,
/// with the reason) unless what it sees already breaches. `names` is readNamesByRule() of
/// the set the results come from.
void judgeRefusedAsUnknown(std::vector<rules::RuleEvaluation>& results,
                           const std::vector<ReadNames>& names, const tsdb::Refusals& refused);

}  // namespace nova::watch::detail
