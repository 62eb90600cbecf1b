#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nova/core/time.h"
#include "nova/promql/ast.h"

namespace nova::promql {

/// Prometheus's two kinds of query annotations: a warning says the result may be wrong or
/// incomplete; an info says the query may not mean what it says.
enum class AnnotationKind { kWarning, kInfo };

/// A warning or info about one query, with Prometheus's wording, e.g. the info
/// `metric might not be a counter, name does not end in _total/_sum/_count/_bucket: "x"`.
/// A query reports each distinct message once.
struct Annotation {
  /// How histogram_quantile repaired buckets that were not monotonic: merged over every
  /// repair the query made and shown after the message, as Prometheus does.
  struct BucketRepair {
    TimestampMs firstT = 0;
    TimestampMs lastT = 0;
    double lowestBucket = 0;   ///< upper bound of the lowest bucket that decreased
    double highestBucket = 0;  ///< upper bound of the highest bucket that decreased
    double largestDrop = 0;
    int repairs = 0;
  };

  AnnotationKind kind = AnnotationKind::kWarning;
  /// Without the "PromQL warning: " / "PromQL info: " prefix and without the position.
  std::string message;
  /// The subexpression the annotation is about (byte offsets into the query text).
  PositionRange pos;
  std::optional<BucketRepair> repair;

  /// As Prometheus's API returns it: "PromQL warning: <message> (<line>:<column>)", the
  /// position counted in `query`, the text the expression was parsed from.
  std::string toString(std::string_view query) const;
};
using Annotations = std::vector<Annotation>;

}  // namespace nova::promql
