#include "nova/rules/remote_answers.h"

#include <algorithm>

namespace nova::rules {

std::vector<RemoteQuery> remoteQueries(const RuleSet& ruleSet) {
  std::vector<RemoteQuery> out;
  auto add = [&out](RemoteQuery query) {
    if (std::find(out.begin(), out.end(), query) == out.end()) {
      out.push_back(std::move(query));
    }
  };
  for (const Rule& rule : ruleSet.rules) {
    if (rule.source != RuleSource::kPrometheus) {
      continue;
    }
    if (rule.guard) {
      add({rule.sourceName, *rule.guard});
    }
    add({rule.sourceName, rule.expr});
  }
  return out;
}

}  // namespace nova::rules
