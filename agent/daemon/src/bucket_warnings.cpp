#include "nova/daemon/bucket_warnings.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "nova/daemon/metrics.h"

namespace nova::daemon {

void BucketWarnings::update(const rules::RuleSet& ruleSet, const tsdb::Storage& storage,
                            TimestampMs at, AgentMetrics& metrics, bool force) {
  if (!force && checkedAt_ && at - *checkedAt_ < interval_) {
    return;
  }
  checkedAt_ = at;
  std::vector<Labels> buckets;
  storage.forEachSeries([&](tsdb::SeriesId, const Labels& labels) {
    if (rules::isBucketSeries(labels)) {
      buckets.push_back(labels);
    }
  });
  std::vector<rules::BucketFinding> now = rules::checkBuckets(ruleSet, buckets);
  for (const rules::BucketFinding& finding : now) {
    if (std::find(findings_.begin(), findings_.end(), finding) != findings_.end()) {
      continue;  // Said when it appeared.
    }
    spdlog::warn("rule {}: {} ({})", finding.rule, finding.message, rules::toString(finding.kind));
    metrics.bucketWarning(finding.rule, rules::toString(finding.kind));
  }
  for (const rules::BucketFinding& gone : findings_) {
    if (std::find(now.begin(), now.end(), gone) == now.end()) {
      spdlog::info("rule {}: no longer {} against the target's buckets", gone.rule,
                   rules::toString(gone.kind));
    }
  }
  findings_ = std::move(now);
}

std::vector<rules::BucketFinding> BucketWarnings::forRule(const std::string& rule) const {
  std::vector<rules::BucketFinding> out;
  for (const rules::BucketFinding& finding : findings_) {
    if (finding.rule == rule) {
      out.push_back(finding);
    }
  }
  return out;
}

}  // namespace nova::daemon
