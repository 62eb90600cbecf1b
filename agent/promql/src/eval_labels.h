#pragma once

#include <string>
#include <vector>

#include "eval_context.h"
#include "nova/core/labels.h"
#include "nova/promql/ast.h"

namespace nova::promql::detail {

/// The labels without __name__ and the metadata labels __type__ and __unit__ that go with
/// it when Prometheus drops a metric name.
Labels dropMetricName(const Labels& labels);

/// Only the labels named in `names` (in any order).
Labels keepOnlyLabels(const Labels& labels, const std::vector<std::string>& names);
/// The labels except those named in `names`; also drops __name__ when `dropName`.
Labels removeLabels(const Labels& labels, const std::vector<std::string>& names, bool dropName);

/// Writes the key that decides which samples match in a binary operation: the `on`
/// labels, or every label except __name__ and the `ignoring` ones. Reuses `out`.
void matchingSignature(const Labels& labels, const VectorMatching& matching, std::string& out);
/// Same, for grouping in aggregations (`by` keeps, `without` drops plus __name__).
void groupingSignature(const Labels& labels, const std::vector<std::string>& grouping, bool without,
                       std::string& out);

/// Fails with Prometheus's "vector cannot contain metrics with the same labelset" when two
/// elements of `vec` have equal labels (the metric name included).
Status checkUniqueLabels(const EvalVector& vec);

/// Prometheus's (Go) form of a label set in error messages: `{__name__="x", a="b"}`.
std::string formatLabelsForError(const Labels& labels);

}  // namespace nova::promql::detail
