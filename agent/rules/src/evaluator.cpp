#include "nova/rules/evaluator.h"

#include <cmath>
#include <limits>
#include <variant>

#include "round_memory.h"

namespace nova::rules {
namespace {

using State = policy::RuleObservation::State;

// The samples of an instant-query result with their labels; a scalar is one sample without.
struct Samples {
  std::vector<Labels> labels;
  std::vector<double> values;
};

Result<Samples> samplesOf(Result<promql::Value> value) {
  if (!value.ok()) {
    return value.error();
  }
  Samples out;
  if (const auto* scalar = std::get_if<promql::Scalar>(&*value)) {
    out.labels.emplace_back();
    out.values.push_back(scalar->v);
  } else if (const auto* vector = std::get_if<promql::Vector>(&*value)) {
    for (const promql::VectorSample& s : *vector) {
      out.labels.push_back(s.labels);
      out.values.push_back(s.v);
    }
  } else {
    return Error(ErrorCode::kInvalidInput,
                 "expression gives neither an instant vector nor a scalar");
  }
  return out;
}

// Answers a rule's expressions: the local engine over the store (or the overlay of
// recorded series), or, for a remote rule, what its source answered this round. Both give
// the same values, so everything after is shared.
struct Answerer {
  const promql::Engine& engine;
  detail::Round& round;
  TimestampMs now;
  promql::EvalCache& cache;
  const RemoteAnswers* remote;
  Evaluation mode;

  Result<Samples> operator()(const Rule& rule, const promql::Expr& expr,
                             const std::string& text) const {
    if (rule.source == RuleSource::kScrape) {
      const tsdb::Storage& storage = round.storageFor(expr);
      promql::IncrementalState* incremental =
          mode == Evaluation::kIncremental ? round.incrementalFor(storage) : nullptr;
      if (incremental != nullptr) {
        return samplesOf(engine.instant(expr, storage, now, cache, *incremental));
      }
      return samplesOf(engine.instant(expr, storage, now, cache));
    }
    if (remote == nullptr) {
      return Error(ErrorCode::kUnavailable, "remote source not configured");
    }
    const auto it = remote->find(RemoteQuery{rule.sourceName, text});
    if (it == remote->end()) {
      return Error(ErrorCode::kUnavailable,
                   "remote source \"" + rule.sourceName + "\" not configured");
    }
    Result<Samples> samples = samplesOf(it->second);
    if (!samples.ok()) {
      return Error(samples.error().code,
                   "remote source \"" + rule.sourceName + "\": " + samples.error().message);
    }
    return samples;
  }
};

bool allNaN(const std::vector<double>& values) {
  for (double v : values) {
    if (!std::isnan(v)) {
      return false;
    }
  }
  return true;
}

RuleEvaluation unknown(const Rule& rule, std::string reason) {
  RuleEvaluation result;
  result.observation.rule = rule.name;
  result.observation.state = State::kUnknown;
  result.observation.value = std::numeric_limits<double>::quiet_NaN();
  result.observation.summary = "unknown: " + reason;
  result.reason = std::move(reason);
  return result;
}

// A remote rule whose source failed (timeout, 5xx, refused, no answer in time): unknown,
// and said to be the source's failure rather than green's.
RuleEvaluation sourceFailed(const Rule& rule, std::string reason) {
  RuleEvaluation result = unknown(rule, std::move(reason));
  result.observation.failedSource = rule.sourceName;
  result.observation.summary =
      "unknown: the measurement source failed, not green: " + result.reason;
  return result;
}

// A rule the guard keeps from judging: ok, with the reason.
RuleEvaluation notJudged(const Rule& rule, std::string reason) {
  RuleEvaluation ok;
  ok.observation.rule = rule.name;
  ok.observation.state = State::kOk;
  ok.observation.value = std::numeric_limits<double>::quiet_NaN();
  ok.reason = std::move(reason);
  ok.observation.summary = ok.reason;
  return ok;
}

// The guard decides whether the rule judges: nullopt to go on, or the result to report. A
// guard without data whose metric has never appeared (a service exports a histogram only
// after its first query) is not enough traffic; one that had data and lost it is unknown.
std::optional<RuleEvaluation> checkGuard(const Rule& rule, const Answerer& answer) {
  if (!rule.parsedGuard || !rule.guard) {
    return std::nullopt;
  }
  detail::Round& round = answer.round;
  Result<Samples> guard = answer(rule, *rule.parsedGuard, *rule.guard);
  if (!guard.ok()) {
    return rule.source == RuleSource::kScrape
               ? unknown(rule, "guard failed: " + guard.error().message)
               : sourceFailed(rule, "guard failed: " + guard.error().message);
  }
  if (guard->values.empty()) {
    if (round.guardNeverHadData(rule)) {
      return notJudged(rule, "guard has had no data yet: not enough traffic to judge");
    }
    return unknown(rule, "guard has no data");
  }
  round.guardHadData(rule);
  for (double v : guard->values) {
    if (v != 0 && !std::isnan(v)) {
      return std::nullopt;
    }
  }
  return notJudged(rule, "guard false: not enough traffic to judge");
}

RuleEvaluation evaluateRule(const Rule& rule, const Answerer& answer) {
  if (auto guarded = checkGuard(rule, answer)) {
    return *guarded;
  }
  Result<Samples> samples = answer(rule, *rule.parsedExpr, rule.expr);
  if (!samples.ok()) {
    // A remote failure is told apart from a failing expression: the message names the
    // source and what went wrong with it.
    return rule.source == RuleSource::kScrape
               ? unknown(rule, "evaluation failed: " + samples.error().message)
               : sourceFailed(rule, samples.error().message);
  }
  const bool anyResult = rule.threshold.op == ThresholdOp::kAnyResult;
  if (samples->values.empty() && anyResult) {
    RuleEvaluation quiet;
    quiet.observation.rule = rule.name;
    quiet.observation.state = State::kOk;
    quiet.observation.value = std::numeric_limits<double>::quiet_NaN();
    quiet.observation.summary = "not firing: the expression returns nothing";
    return quiet;
  }
  if (samples->values.empty()) {
    return unknown(rule, "no data");
  }
  if (allNaN(samples->values) && !anyResult) {
    return unknown(rule, "no data (value is NaN)");
  }
  // The worst breaching sample, else the sample closest to breaching.
  std::optional<std::size_t> worst;
  bool breaching = false;
  for (std::size_t i = 0; i < samples->values.size(); ++i) {
    const double v = samples->values[i];
    if (std::isnan(v) && !anyResult) {
      continue;
    }
    const bool breaches = rule.threshold.breaches(v);
    if (!worst || (breaches && !breaching) ||
        (breaches == breaching && rule.threshold.worse(v, samples->values[*worst]))) {
      worst = i;
      breaching = breaching || breaches;
    }
  }
  RuleEvaluation result;
  result.samples = samples->values.size();
  result.labels = samples->labels[*worst];
  result.observation.rule = rule.name;
  result.observation.state = breaching ? State::kBreaching : State::kOk;
  result.observation.value = samples->values[*worst];
  result.observation.summary = rule.summary.render(result.observation.value, result.labels);
  return result;
}

}  // namespace

std::vector<RuleEvaluation> evaluateRules(const RuleSet& ruleSet, const promql::Engine& engine,
                                          const tsdb::Storage& storage, TimestampMs now,
                                          const RemoteAnswers* remote, Evaluation mode) {
  std::vector<RuleEvaluation> results;
  results.reserve(ruleSet.rules.size());
  // Recording rules are recorded first; each expression then reads the store or the
  // overlay of recorded series (round_memory.h).
  detail::Round round(ruleSet, engine, storage, now);
  // Rules and guards share subexpressions (the request rate of every error-rate rule);
  // neither the store nor the overlay is written from here on, so each is evaluated once.
  promql::EvalCache cache;
  const Answerer answer{engine, round, now, cache, remote, mode};
  for (const Rule& rule : ruleSet.rules) {
    results.push_back(round.finish(rule, evaluateRule(rule, answer)));
  }
  return results;
}

std::vector<policy::RuleObservation> observations(const std::vector<RuleEvaluation>& results) {
  std::vector<policy::RuleObservation> out;
  out.reserve(results.size());
  for (const RuleEvaluation& result : results) {
    out.push_back(result.observation);
  }
  return out;
}

std::vector<policy::RuleSpec> ruleSpecs(const RuleSet& ruleSet) {
  std::vector<policy::RuleSpec> specs;
  specs.reserve(ruleSet.rules.size());
  for (const Rule& rule : ruleSet.rules) {
    specs.push_back(policy::RuleSpec{rule.name, rule.severity, rule.forDuration});
  }
  return specs;
}

}  // namespace nova::rules
