#pragma once

#include <string>
#include <vector>

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

/// Prometheus's (Go) form of a label set in error messages: `{__name__="x", a="b"}`.
std::string formatLabelsForError(const Labels& labels);

}  // namespace nova::promql::detail
