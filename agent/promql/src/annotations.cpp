// Prometheus's query annotations: their wording, rendering and merging.
#include <string>

#include "annotation_messages.h"
#include "go_format.h"
#include "lexer_text.h"
#include "nova/core/rfc3339.h"

namespace nova::promql {
namespace {

Annotation make(AnnotationKind kind, std::string message, PositionRange pos) {
  Annotation a;
  a.kind = kind;
  a.message = std::move(message);
  a.pos = pos;
  return a;
}

// " for metric name \"x\"" when there is a name, as Prometheus adds it.
std::string forMetricName(std::string_view name) {
  if (name.empty()) {
    return {};
  }
  return " for metric name " + detail::quote(name);
}

std::string describeRepair(const Annotation::BucketRepair& r) {
  // Prometheus prints whole seconds.
  const auto seconds = [](TimestampMs t) {
    return formatRfc3339(t / kSecond * kSecond, SubSecond::kNone);
  };
  return ", from buckets " + detail::formatGoG(r.lowestBucket) + " to " +
         detail::formatGoG(r.highestBucket) + ", with a max diff of " +
         detail::formatGoG(r.largestDrop, 2) + ", over " + std::to_string(r.repairs) +
         " samples from " + seconds(r.firstT) + " to " + seconds(r.lastT);
}

}  // namespace

std::string Annotation::toString(std::string_view query) const {
  const detail::LineColumn at = detail::lineColumnAt(query, pos.start);
  std::string out = kind == AnnotationKind::kWarning ? "PromQL warning: " : "PromQL info: ";
  out += message;
  if (repair) {
    out += describeRepair(*repair);
  }
  return out + " (" + std::to_string(at.line) + ":" + std::to_string(at.column) + ")";
}

namespace detail {

Annotation invalidQuantileWarning(double q, PositionRange pos) {
  return make(AnnotationKind::kWarning,
              "quantile value should be between 0 and 1, got " + formatGoG(q), pos);
}

Annotation badBucketLabelWarning(std::string_view metricName, std::string_view le,
                                 PositionRange pos) {
  return make(AnnotationKind::kWarning,
              "bucket label \"le\" is missing or has a malformed value of " + quote(le) +
                  forMetricName(metricName),
              pos);
}

Annotation possibleNonCounterInfo(std::string_view metricName, PositionRange pos) {
  return make(AnnotationKind::kInfo,
              "metric might not be a counter, name does not end in "
              "_total/_sum/_count/_bucket: " +
                  quote(metricName),
              pos);
}

Annotation forcedMonotonicityInfo(std::string_view metricName, PositionRange pos, TimestampMs t,
                                  double lowestBucket, double highestBucket, double largestDrop) {
  Annotation a = make(AnnotationKind::kInfo,
                      "input to histogram_quantile needed to be fixed for monotonicity (see "
                      "https://prometheus.io/docs/prometheus/latest/querying/functions/"
                      "#histogram_quantile)" +
                          forMetricName(metricName),
                      pos);
  a.repair = Annotation::BucketRepair{t, t, lowestBucket, highestBucket, largestDrop, 1};
  return a;
}

Annotation sortInRangeQueryWarning(PositionRange pos) {
  return make(AnnotationKind::kWarning,
              "sort is ineffective for range queries since results are always ordered by labels",
              pos);
}

Annotations mergeAnnotations(const Annotations& raw) {
  Annotations out;
  for (const Annotation& a : raw) {
    Annotation* same = nullptr;
    for (Annotation& kept : out) {
      if (kept.kind == a.kind && kept.message == a.message) {
        same = &kept;
        break;
      }
    }
    if (same == nullptr) {
      out.push_back(a);
      continue;
    }
    if (same->repair && a.repair) {
      Annotation::BucketRepair& r = *same->repair;
      r.firstT = std::min(r.firstT, a.repair->firstT);
      r.lastT = std::max(r.lastT, a.repair->lastT);
      r.lowestBucket = std::min(r.lowestBucket, a.repair->lowestBucket);
      r.highestBucket = std::max(r.highestBucket, a.repair->highestBucket);
      r.largestDrop = std::max(r.largestDrop, a.repair->largestDrop);
      r.repairs += a.repair->repairs;
    }
  }
  return out;
}

}  // namespace detail
}  // namespace nova::promql
