#pragma once

#include <optional>
#include <string>
#include <vector>

#include "nova/core/time.h"
#include "nova/rules/bucket_check.h"
#include "nova/rules/loader.h"
#include "nova/tsdb/storage.h"

namespace nova::daemon {

class AgentMetrics;

/// The rules checked against the buckets the target really exposes (rules::checkBuckets):
/// a quantile threshold the buckets cannot show, or a bucket share over an `le` the
/// histogram lacks. Each finding is logged (warn) and counted
/// (nova_agent_rule_bucket_warnings_total{rule,kind}) once when it appears, that is once
/// per change of the rules or of the target's buckets, and shown on /status with its rule.
///
/// Not thread-safe: the controller's thread owns it.
class BucketWarnings {
 public:
  /// Checks again when `at` is `interval` ms past the last check (the store's series are
  /// walked, so not at every tick) or when `force` (the rules were reloaded).
  explicit BucketWarnings(DurationMs interval = 10 * kSecond) : interval_(interval) {}

  void update(const rules::RuleSet& ruleSet, const tsdb::Storage& storage, TimestampMs at,
              AgentMetrics& metrics, bool force = false);

  /// The findings of the last check for the rule named `rule` (empty when none).
  std::vector<rules::BucketFinding> forRule(const std::string& rule) const;

 private:
  DurationMs interval_;
  std::optional<TimestampMs> checkedAt_;
  std::vector<rules::BucketFinding> findings_;
};

}  // namespace nova::daemon
