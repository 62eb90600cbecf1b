#pragma once

#include <vector>

#include "eval_context.h"

namespace nova::promql::detail {

struct Bucket {
  double upperBound = 0;
  double count = 0;
};

/// Decreases between cumulative bucket counts that bucketQuantile removed.
struct MonotonicityRepair {
  bool forced = false;
  double lowestBucket = 0;   ///< upper bound of the lowest bucket that was raised
  double highestBucket = 0;  ///< upper bound of the highest bucket that was raised
  double largestDrop = 0;
};

/// The q-quantile of classic cumulative buckets, as Prometheus's BucketQuantile: sorted by
/// upper bound, +Inf required, equal bounds merged, tiny float errors and decreases
/// repaired, then linear interpolation inside the bucket holding the rank. `buckets` is
/// reordered and rewritten. `repair`, when given, says whether decreases had to be removed.
double bucketQuantile(double q, std::vector<Bucket>& buckets, MonotonicityRepair* repair = nullptr);

/// Where histogram_quantile's annotations go: the positions of its arguments, the
/// evaluation time, and the evaluator that records them.
struct QuantileAnnotations {
  Evaluator& ev;
  PositionRange quantilePos;
  PositionRange bucketsPos;
  TimestampMs t = 0;
};

/// histogram_quantile over the `le` series of `in`: one result per label set without `le`.
/// Series with a missing or malformed `le` are left out with a warning; an invalid `q` is
/// warned about, and repaired buckets noted, as Prometheus does.
EvalVector histogramQuantile(double q, const EvalVector& in, const QuantileAnnotations& notes);

}  // namespace nova::promql::detail
