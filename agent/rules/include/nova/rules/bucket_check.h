#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "nova/core/labels.h"
#include "nova/rules/loader.h"

namespace nova::rules {

/// What a rule over a classic histogram can show with the buckets a target really exposes.
struct BucketFinding {
  enum class Kind {
    /// histogram_quantile's threshold is at or above the highest finite bucket: the
    /// quantile never exceeds that bucket's bound, so the rule can never fire.
    kUnreachable,
    /// The threshold lies strictly between two boundaries (or below the lowest): the
    /// quantile there is linear interpolation inside a bucket, an estimate.
    kInterpolated,
    /// A selector asks for an `le` no bucket of the histogram has: its series is empty and
    /// the rule has no data.
    kNoSuchBucket,
  };
  Kind kind = Kind::kUnreachable;
  std::string rule;
  /// The bucket metric ("pg_query_duration_seconds_bucket").
  std::string metric;
  /// One sentence for people: what cannot work, the boundaries seen, and what to write.
  std::string message;

  friend bool operator==(const BucketFinding&, const BucketFinding&) = default;
};

/// "unreachable", "interpolated", "no_such_bucket".
std::string_view toString(BucketFinding::Kind kind);

/// Checks `rule` against the bucket series a target exposes (`series`: label sets with
/// `__name__`; anything not named *_bucket or without `le` is ignored). Two shapes:
/// - a quantile rule: histogram_quantile(q, <anything over x_bucket>) at the root of the
///   expression (through parentheses and round/clamp-like wrappers), compared with a number
///   there (`histogram_quantile(...) > 0.1`) or by the rule's threshold. For `>` a threshold
///   at or above the highest finite bound, for `>=` one above it, is kUnreachable; a
///   threshold that is not a boundary (relative 1e-9) is kInterpolated.
/// - any selector of x_bucket (expression or guard) with an `le` matcher that no bucket's
///   `le` satisfies (string match, as PromQL does: "0.20" is not "0.2") is kNoSuchBucket.
/// Only the series matching the selector's other matchers count. A histogram the target
/// does not expose at all gives no finding (there is nothing to compare with). Pure.
std::vector<BucketFinding> checkBuckets(const Rule& rule, std::span<const Labels> series);

/// checkBuckets() for every rule of `ruleSet`, in rule order.
std::vector<BucketFinding> checkBuckets(const RuleSet& ruleSet, std::span<const Labels> series);

/// True for a series a classic histogram's bucket: named *_bucket with an `le` label.
bool isBucketSeries(const Labels& labels);

}  // namespace nova::rules
