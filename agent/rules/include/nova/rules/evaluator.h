#pragma once

#include <string>
#include <vector>

#include "nova/core/labels.h"
#include "nova/core/time.h"
#include "nova/policy/escalator.h"
#include "nova/promql/engine.h"
#include "nova/rules/loader.h"
#include "nova/rules/remote_answers.h"
#include "nova/tsdb/storage.h"

namespace nova::rules {

/// One rule's result at one instant, with what the escalator does not need but people do.
struct RuleEvaluation {
  /// What the escalator consumes: state, worst value, rendered summary.
  policy::RuleObservation observation;
  /// Labels of the worst sample (empty for a scalar expression or no data).
  Labels labels;
  /// Number of samples the expression returned.
  std::size_t samples = 0;
  /// Why the rule is unknown or was not judged ("no data", "guard false: not enough
  /// traffic to judge", "remote source not configured", an evaluation error); empty when
  /// it was judged.
  std::string reason;
};

/// How evaluateRules reads the store's windows.
enum class Evaluation {
  /// Series lists and running windows of range functions (promql::IncrementalState)
  /// carried from the set's previous round, kept in the set's `memory` (a set without
  /// memory evaluates from scratch). The results are those of kFromScratch, bit for bit.
  kIncremental,
  /// Every window read whole at every round.
  kFromScratch,
};

/// Evaluates every rule of `ruleSet` at `now` (ms) over `storage`:
/// - the recording rules come first, in order, at `now`: each one's series are written into
///   an overlay beside the store (never into it), visible to the recording rules after it
///   and to every rule; an expression reading recorded names reads the overlay, where the
///   store series it also needs are mirrored. The overlay keeps the recorded history with
///   the store's retention, so range selectors over recorded series in later calls see it
///   (a set without `memory` records for this call only);
/// - a remote rule (`source: prometheus` or a named source) judges what `remote` holds for
///   its expression and guard (the same threshold, guard and no-data logic as a local
///   rule); a failed query makes it unknown with the source's reason ("remote source
///   \"prometheus\": timeout: ..."); without `remote` (or without its query in it) it is
///   unknown with reason "remote source not configured". Either way the observation names
///   the rule's source in `failedSource` and its summary reads "unknown: the measurement
///   source failed, not green: <reason>", so the incident blames the source, not green;
/// - a failing guard makes the rule unknown; a guard whose samples are all zero (or NaN)
///   makes it ok without evaluating the expression ("not enough traffic to judge"); a
///   guard with no data is the same while it has never had data since the set was loaded
///   (its metric has not appeared yet), and unknown ("guard has no data") once it has had
///   some. Sets built by the loader remember this in `memory`; a set without memory treats
///   every guard without data as unknown;
/// - an expression that fails makes the rule unknown; one that returns nothing or only NaN
///   makes it unknown too, except for a Prometheus alerting rule (ThresholdOp::kAnyResult),
///   which is ok on nothing and breaches on any sample;
/// - otherwise the rule breaches when any sample breaches the threshold. Its value is the
///   worst breaching sample, or the sample closest to breaching when none does, and the
///   summary is rendered with that sample's value and labels;
/// - a rule with keepFiringFor that has fired keeps breaching that long once it returns
///   nothing (RuleEvaluation::reason says so).
/// Subexpressions shared by rules and guards are evaluated once per call (promql::EvalCache);
/// the storage must not be written during the call. With Evaluation::kIncremental (the
/// default) a round reuses what the set's previous round over the same store computed.
/// Results are in the order of `ruleSet.rules`. Never throws. Pure apart from the set's
/// `memory` (recording rules, keep_firing_for): calls on one set (and its copies) are
/// serialised and must come in time order.
std::vector<RuleEvaluation> evaluateRules(const RuleSet& ruleSet, const promql::Engine& engine,
                                          const tsdb::Storage& storage, TimestampMs now,
                                          const RemoteAnswers* remote = nullptr,
                                          Evaluation mode = Evaluation::kIncremental);

/// The escalator's view of the results.
std::vector<policy::RuleObservation> observations(const std::vector<RuleEvaluation>& results);

/// The escalator's view of the rules.
std::vector<policy::RuleSpec> ruleSpecs(const RuleSet& ruleSet);

}  // namespace nova::rules
