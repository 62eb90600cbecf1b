#include "refused_series.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "nova/rules/selected_names.h"

namespace nova::watch::detail {
namespace {

// Adds the names `expr` selects to `names`; false when it may select any name.
bool addNames(const promql::Expr* expr, std::set<std::string>& names) {
  if (expr == nullptr) {
    return true;
  }
  const auto selected = rules::selectedMetricNames(*expr);
  if (!selected) {
    return false;
  }
  names.insert(selected->begin(), selected->end());
  return true;
}

ReadNames readNames(const rules::Rule& rule, const rules::RuleSet& ruleSet) {
  if (rule.source == rules::RuleSource::kPrometheus) {
    return std::vector<std::string>{};
  }
  std::set<std::string> names;
  if (!addNames(rule.parsedExpr.get(), names) || !addNames(rule.parsedGuard.get(), names)) {
    return std::nullopt;
  }
  // A recorded name stands for what its recording rule reads; repeat until nothing is new.
  std::set<std::string> expanded;
  bool grew = true;
  while (grew) {
    grew = false;
    for (const rules::RecordingRule& recording : ruleSet.recordings) {
      if (names.contains(recording.record) && expanded.insert(recording.record).second) {
        if (!addNames(recording.parsedExpr.get(), names)) {
          return std::nullopt;
        }
        grew = true;
      }
    }
  }
  return std::vector<std::string>(names.begin(), names.end());
}

// The refused name the rule reads ("" when none): the first it reads among those recorded,
// or, when it may read any name or not every refused name was recorded, the first recorded.
std::string refusedNameRead(const ReadNames& reads, const tsdb::Refusals& refused) {
  if (reads && reads->empty()) {
    return "";
  }
  if (reads) {
    for (const std::string& name : refused.names) {
      if (std::binary_search(reads->begin(), reads->end(), name)) {
        return name;
      }
    }
    if (!refused.truncated) {
      return "";
    }
  }
  return refused.names.empty() ? std::string("unnamed metrics") : refused.names.front();
}

}  // namespace

std::vector<ReadNames> readNamesByRule(const rules::RuleSet& ruleSet) {
  std::vector<ReadNames> out;
  out.reserve(ruleSet.rules.size());
  for (const rules::Rule& rule : ruleSet.rules) {
    out.push_back(readNames(rule, ruleSet));
  }
  return out;
}

void judgeRefusedAsUnknown(std::vector<rules::RuleEvaluation>& results,
                           const std::vector<ReadNames>& names, const tsdb::Refusals& refused) {
  if (!refused.any()) {
    return;
  }
  for (std::size_t i = 0; i < results.size() && i < names.size(); ++i) {
    policy::RuleObservation& o = results[i].observation;
    if (o.state == policy::RuleObservation::State::kBreaching) {
      continue;  // what it sees already breaches: the refused series cannot make it fine
    }
    const std::string name = refusedNameRead(names[i], refused);
    if (name.empty()) {
      continue;
    }
    o.state = policy::RuleObservation::State::kUnknown;
    o.value = std::numeric_limits<double>::quiet_NaN();
    results[i].reason = "no data: the store's series limit refused series of " + name +
                        " in the last scrape (" + std::to_string(refused.series) +
                        " series refused in all); judging on the rest could hide a failure";
  }
}

}  // namespace nova::watch::detail
