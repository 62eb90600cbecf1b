#include <cmath>
#include <map>

#include "nova/dashboard/views.h"

namespace nova::dashboard {
namespace {

// The phase the escalator reported last for each rule, from its rule events.
struct Phase {
  policy::EventKind kind;
  TimestampMs at;
};

std::map<std::string, Phase, std::less<>> latestPhases(
    std::span<const policy::TimelineEvent> timeline) {
  std::map<std::string, Phase, std::less<>> out;
  for (const policy::TimelineEvent& e : timeline) {
    if (e.kind == policy::EventKind::kRulePending || e.kind == policy::EventKind::kRuleFiring ||
        e.kind == policy::EventKind::kRuleCleared) {
      out[e.rule] = {e.kind, e.at};
    }
  }
  return out;
}

// A guard that is false, or that has never had data (its metric has not appeared yet).
bool guardSaysTooLittle(const rules::RuleEvaluation& e) {
  return e.reason.starts_with("guard false") || e.reason.starts_with("guard has had no data yet");
}

}  // namespace

std::string_view ruleStateName(RuleState state) {
  switch (state) {
    case RuleState::kOk:
      return "ok";
    case RuleState::kNotEnoughTraffic:
      return "not_enough_traffic";
    case RuleState::kPending:
      return "pending";
    case RuleState::kBreaching:
      return "breaching";
    case RuleState::kNoData:
      return "no_data";
  }
  return "";
}

std::vector<RuleView> ruleViews(const rules::RuleSet& ruleSet,
                                std::span<const rules::RuleEvaluation> evaluations,
                                std::span<const policy::TimelineEvent> timeline) {
  const auto phases = latestPhases(timeline);
  std::map<std::string_view, const rules::RuleEvaluation*> byName;
  for (const rules::RuleEvaluation& e : evaluations) {
    byName[e.observation.rule] = &e;
  }
  std::vector<RuleView> out;
  for (const rules::Rule& rule : ruleSet.rules) {
    RuleView view;
    view.name = rule.name;
    view.severity = rule.severity;
    view.unit = unitOfRule(rule);
    view.threshold = rule.threshold;
    view.forDuration = rule.forDuration;
    view.value = std::nan("");
    const auto it = byName.find(rule.name);
    if (it == byName.end()) {
      view.state = RuleState::kNoData;
      view.reason = "not evaluated yet";
      out.push_back(std::move(view));
      continue;
    }
    const rules::RuleEvaluation& e = *it->second;
    view.value = e.observation.value;
    view.summary = e.observation.summary;
    view.reason = e.reason;
    const auto phase = phases.find(rule.name);
    const bool pending =
        phase != phases.end() && phase->second.kind == policy::EventKind::kRulePending;
    const bool firing =
        phase != phases.end() && phase->second.kind == policy::EventKind::kRuleFiring;
    if (pending || firing) {
      view.since = phase->second.at;
    }
    switch (e.observation.state) {
      case policy::RuleObservation::State::kUnknown:
        view.state = RuleState::kNoData;
        break;
      case policy::RuleObservation::State::kOk:
        view.state = guardSaysTooLittle(e) ? RuleState::kNotEnoughTraffic : RuleState::kOk;
        view.since.reset();
        break;
      case policy::RuleObservation::State::kBreaching:
        if (firing || (!pending && rule.forDuration == 0)) {
          view.state = RuleState::kBreaching;
        } else {
          view.state = RuleState::kPending;
        }
        break;
    }
    out.push_back(std::move(view));
  }
  return out;
}

}  // namespace nova::dashboard
