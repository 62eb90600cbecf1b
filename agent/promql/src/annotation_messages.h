#pragma once

#include <string_view>

#include "nova/promql/annotations.h"

namespace nova::promql::detail {

// Prometheus's annotations for float samples, with its wording. `pos` is the subexpression
// the annotation is about.

/// quantile, quantile_over_time, histogram_quantile with q outside [0, 1] or NaN.
Annotation invalidQuantileWarning(double q, PositionRange pos);
/// histogram_quantile over a series whose `le` is missing or not a number.
Annotation badBucketLabelWarning(std::string_view metricName, std::string_view le,
                                 PositionRange pos);
/// rate or increase over a metric whose name does not say it is a counter.
Annotation possibleNonCounterInfo(std::string_view metricName, PositionRange pos);
/// histogram_quantile had to remove decreases between cumulative buckets at time `t`.
Annotation forcedMonotonicityInfo(std::string_view metricName, PositionRange pos, TimestampMs t,
                                  double lowestBucket, double highestBucket, double largestDrop);
/// sort and sort_desc in a range query, whose result is ordered by labels anyway.
Annotation sortInRangeQueryWarning(PositionRange pos);

/// `raw` with each message kept once (the first position wins), as Prometheus reports
/// them; repeated bucket repairs are merged into one.
Annotations mergeAnnotations(const Annotations& raw);

}  // namespace nova::promql::detail
