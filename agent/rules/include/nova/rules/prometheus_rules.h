#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "nova/core/severity.h"

namespace nova::rules {

// How loadDetailed turns a Prometheus rule file (`groups:`) or a PrometheusRule resource
// (`spec.groups`) into a RuleSet:
//
// - An alerting rule becomes a Rule named by its `alert` (when the same `alert` appears
//   more than once in the input, each is named `<alert>/<severity>`, then `#2`, `#3`...,
//   and a note says so). It fires when its expression returns anything, whatever the
//   values (ThresholdOp::kAnyResult): an empty result is ok, not unknown. Its worst sample
//   (for the summary's $value and $labels) is the one with the highest value.
// - `for` is the rule's `for`, tracked per rule rather than per alert instance;
//   `keep_firing_for` keeps the rule breaching that long after its expression stops
//   returning anything, once it has fired.
// - The group's labels and the rule's (the rule's win) become the rule's labels;
//   `labels.severity` chooses the branch of the escalation tree (severityFromLabel). An
//   alert without one is an error; one with `none` is left out, with a note.
// - `annotations.summary` becomes the summary template (its Go-template parts the agent
//   cannot expand are replaced or dropped, with a note), `runbook_url` the runbook,
//   `description` and the other annotations are kept as annotations.
// - A recording rule becomes a RecordingRule; recording rules run in file order before
//   the alerting rules, at the same timestamp (see evaluateRules).
// - A group's `interval`, `query_offset`, `limit` and `partial_response_strategy` are
//   accepted and not applied, with a note: the agent evaluates every rule at its own tick
//   over its own scrapes.
// Every problem is reported at its file:line:col, as for the agent's own format.

/// The Severity a Prometheus alert's `severity` label value selects, ignoring ASCII case:
/// critical, high, medium and low by name; the aliases `page` and `error` -> high,
/// `warning` -> medium, `info` -> low; `none` -> Severity::kNone (the alert is left out of
/// the escalation tree). nullopt for any other value.
std::optional<Severity> severityFromLabel(std::string_view value);

/// Every value severityFromLabel accepts, for messages and documentation.
std::span<const std::string_view> severityLabelValues();

}  // namespace nova::rules
