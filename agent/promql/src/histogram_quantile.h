#pragma once

#include <vector>

#include "eval_context.h"

namespace nova::promql::detail {

struct Bucket {
  double upperBound = 0;
  double count = 0;
};

/// The q-quantile of classic cumulative buckets, as Prometheus's BucketQuantile: sorted by
/// upper bound, +Inf required, equal bounds merged, tiny float errors and decreases
/// repaired, then linear interpolation inside the bucket holding the rank. `buckets` is
/// reordered and rewritten. `forcedMonotonic` reports whether decreases had to be removed.
double bucketQuantile(double q, std::vector<Bucket>& buckets, bool* forcedMonotonic = nullptr);

/// histogram_quantile over the `le` series of `in`: one result per label set without `le`.
/// Series with a missing or malformed `le` are ignored.
EvalVector histogramQuantile(double q, const EvalVector& in);

}  // namespace nova::promql::detail
