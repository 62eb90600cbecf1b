// What a round adds to a rule's result: keep_firing_for, why a rule reading a recorded
// series has no data, and whether a guard has ever had data.
#include <algorithm>
#include <limits>

#include "round_memory.h"

namespace nova::rules::detail {
namespace {

using State = policy::RuleObservation::State;

}  // namespace

void Round::guardHadData(const Rule& rule) {
  if (memory_ != nullptr && !memory_->guardSeen.contains(rule.name)) {
    memory_->guardSeen.insert(rule.name);
  }
}

bool Round::guardNeverHadData(const Rule& rule) const {
  return memory_ != nullptr && !memory_->guardSeen.contains(rule.name);
}

RuleEvaluation Round::finish(const Rule& rule, RuleEvaluation result) {
  if (memory_ != nullptr && rule.keepFiringFor > 0) {
    result = keepFiring(rule, std::move(result));
  }
  // A rule left without samples because a recording rule it reads failed this round is
  // unknown (an alerting rule would otherwise read as quietly not firing), and says why.
  const bool noSamples = result.observation.state == State::kUnknown ||
                         (result.observation.state == State::kOk && result.samples == 0 &&
                          rule.threshold.op == ThresholdOp::kAnyResult);
  if (!noSamples || failed_.empty()) {
    return result;
  }
  for (const promql::Expr* expr : {rule.parsedExpr.get(), rule.parsedGuard.get()}) {
    const auto reads = expr == nullptr ? reads_.end() : reads_.find(expr);
    if (reads == reads_.end()) {
      continue;
    }
    for (const std::string& name : reads->second.recorded) {
      if (const auto failure = failed_.find(name); failure != failed_.end()) {
        const std::string why = "recording rule " + name + " failed: " + failure->second;
        result.reason = result.reason.empty() ? why : result.reason + "; " + why;
        result.observation.state = State::kUnknown;
        result.observation.value = std::numeric_limits<double>::quiet_NaN();
        result.observation.summary = "unknown: " + result.reason;
        return result;
      }
    }
  }
  return result;
}

// Prometheus's keep_firing_for: a rule that has fired (breached for its `for`) and whose
// expression then returns nothing keeps breaching, with its last value and summary, until
// it has returned nothing for keepFiringFor; breaching again ends the wait. An unknown
// result (evaluation failed) passes through and changes nothing.
RuleEvaluation Round::keepFiring(const Rule& rule, RuleEvaluation result) {
  RoundMemory::Firing& firing = memory_->firing[rule.name];
  switch (result.observation.state) {
    case State::kBreaching:
      if (!firing.breachingSince) {
        firing.breachingSince = now_;
      }
      firing.lastBreach = now_;
      firing.quietSince.reset();
      firing.last = result;
      return result;
    case State::kUnknown:
      return result;
    case State::kOk:
      break;
  }
  const bool fired =
      firing.breachingSince && firing.lastBreach - *firing.breachingSince >= rule.forDuration;
  if (!fired) {
    firing = {};
    return result;
  }
  if (!firing.quietSince) {
    firing.quietSince = now_;
  }
  if (now_ - *firing.quietSince >= rule.keepFiringFor) {
    firing = {};
    return result;
  }
  RuleEvaluation kept = firing.last;
  kept.reason = "kept firing (keep_firing_for " + formatDuration(rule.keepFiringFor) +
                "): the expression has returned nothing for " +
                formatDuration(now_ - *firing.quietSince);
  return kept;
}

}  // namespace nova::rules::detail
