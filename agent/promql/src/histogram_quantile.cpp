#include "histogram_quantile.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>
#include <unordered_map>

#include "annotation_messages.h"
#include "eval_labels.h"

namespace nova::promql::detail {
namespace {

constexpr double kSmallDeltaTolerance = 1e-12;
constexpr double kMinNormal = std::numeric_limits<double>::min();

// Prometheus's almost.Equal: relative tolerance, exact near zero.
bool almostEqual(double a, double b, double epsilon) {
  if (std::isnan(a) && std::isnan(b)) {
    return true;
  }
  if (a == b) {
    return true;
  }
  const double absSum = std::fabs(a) + std::fabs(b);
  const double diff = std::fabs(a - b);
  if (a == 0 || b == 0 || absSum < kMinNormal) {
    return diff < epsilon * kMinNormal;
  }
  return diff / std::min(absSum, std::numeric_limits<double>::max()) < epsilon;
}

// Merges buckets with the same upper bound (e.g. le="0.1" and le="1e-1"). Input sorted.
void coalesce(std::vector<Bucket>& buckets) {
  std::size_t out = 0;
  for (std::size_t i = 1; i < buckets.size(); ++i) {
    if (buckets[i].upperBound == buckets[out].upperBound) {
      buckets[out].count += buckets[i].count;
    } else {
      buckets[++out] = buckets[i];
    }
  }
  buckets.resize(out + 1);
}

// Ignores differences that are float noise, in either direction, then removes decreases.
// `prev` stays at the last accepted count in both corrections.
MonotonicityRepair ensureMonotonic(std::vector<Bucket>& buckets) {
  MonotonicityRepair repair;
  repair.lowestBucket = std::numeric_limits<double>::infinity();
  repair.highestBucket = -std::numeric_limits<double>::infinity();
  double prev = buckets[0].count;
  for (std::size_t i = 1; i < buckets.size(); ++i) {
    const double curr = buckets[i].count;
    if (curr == prev) {
      continue;
    }
    if (almostEqual(prev, curr, kSmallDeltaTolerance)) {
      buckets[i].count = prev;
      continue;
    }
    if (curr < prev) {
      buckets[i].count = prev;
      repair.forced = true;
      repair.lowestBucket = std::min(repair.lowestBucket, buckets[i].upperBound);
      repair.highestBucket = std::max(repair.highestBucket, buckets[i].upperBound);
      repair.largestDrop = std::max(repair.largestDrop, prev - curr);
      continue;
    }
    prev = curr;
  }
  return repair;
}

// Go's strconv.ParseFloat for `le` values: the whole text must be a number.
bool parseUpperBound(std::string_view text, double& out) {
  if (text.empty() || std::isspace(static_cast<unsigned char>(text.front())) != 0) {
    return false;
  }
  const std::string copy(text);
  char* end = nullptr;
  errno = 0;
  out = std::strtod(copy.c_str(), &end);
  return end == copy.c_str() + copy.size();
}

}  // namespace

double bucketQuantile(double q, std::vector<Bucket>& buckets, MonotonicityRepair* repair) {
  if (repair != nullptr) {
    *repair = MonotonicityRepair{};
  }
  if (std::isnan(q)) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  if (q < 0) {
    return -std::numeric_limits<double>::infinity();
  }
  if (q > 1) {
    return std::numeric_limits<double>::infinity();
  }
  std::stable_sort(buckets.begin(), buckets.end(),
                   [](const Bucket& a, const Bucket& b) { return a.upperBound < b.upperBound; });
  const double top = buckets.back().upperBound;
  if (!(std::isinf(top) && top > 0)) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  coalesce(buckets);
  const MonotonicityRepair repaired = ensureMonotonic(buckets);
  if (repair != nullptr) {
    *repair = repaired;
  }
  if (buckets.size() < 2) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  const double observations = buckets.back().count;
  if (observations == 0) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  double rank = q * observations;
  // The first bucket (excluding +Inf) whose cumulative count reaches the rank.
  std::size_t b = 0;
  while (b < buckets.size() - 1 && !(buckets[b].count >= rank)) {
    ++b;
  }
  if (b == buckets.size() - 1) {
    return buckets[buckets.size() - 2].upperBound;
  }
  if (b == 0 && buckets[0].upperBound <= 0) {
    return buckets[0].upperBound;
  }
  double bucketStart = 0;
  const double bucketEnd = buckets[b].upperBound;
  double count = buckets[b].count;
  if (b > 0) {
    bucketStart = buckets[b - 1].upperBound;
    count -= buckets[b - 1].count;
    rank -= buckets[b - 1].count;
  }
  return bucketStart + (bucketEnd - bucketStart) * (rank / count);
}

EvalVector histogramQuantile(double q, const EvalVector& in, const QuantileAnnotations& notes) {
  Evaluator& ev = notes.ev;
  if (ev.annotating() && (std::isnan(q) || q < 0 || q > 1)) {
    ev.annotate(invalidQuantileWarning(q, notes.quantilePos));
  }
  struct Group {
    Labels labels;
    std::vector<Bucket> buckets;
  };
  std::vector<Group> groups;
  std::unordered_map<std::string, std::size_t> index;
  const std::vector<std::string> le{"le"};
  for (const auto& sample : in) {
    double upper = 0;
    if (!parseUpperBound(sample.labels.get("le"), upper)) {
      if (ev.annotating()) {
        ev.annotate(badBucketLabelWarning(sample.labels.metricName(), sample.labels.get("le"),
                                          notes.bucketsPos));
      }
      continue;
    }
    // The name stays part of the group (and is dropped at the end), so two histograms that
    // differ only by name make a duplicate-labelset error rather than a silent merge.
    Labels key = removeLabels(sample.labels, le, false);
    std::string signature = key.toString();
    auto [it, inserted] = index.emplace(std::move(signature), groups.size());
    if (inserted) {
      groups.push_back(Group{std::move(key), {}});
    }
    groups[it->second].buckets.push_back(Bucket{upper, sample.v});
  }
  EvalVector out;
  out.reserve(groups.size());
  for (auto& group : groups) {
    MonotonicityRepair repair;
    const double value = bucketQuantile(q, group.buckets, &repair);
    if (repair.forced) {
      ev.annotate(forcedMonotonicityInfo(group.labels.metricName(), notes.bucketsPos, notes.t,
                                         repair.lowestBucket, repair.highestBucket,
                                         repair.largestDrop));
    }
    out.push_back(EvalSample{std::move(group.labels), value, true});
  }
  return out;
}

}  // namespace nova::promql::detail
