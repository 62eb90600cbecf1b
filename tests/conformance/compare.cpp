#include "compare.h"

#include <re2/re2.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <variant>

#include "nova/core/sample.h"

namespace nova::conformance {
namespace {

constexpr std::size_t kMaxShownPoints = 6;

// Expected series by label set; a later line for the same labels replaces the earlier one.
struct ExpectedEntry {
  int position = 0;  // 1-based among the block's series lines
  const SeriesSpec* spec = nullptr;
};
using ExpectedMap = std::map<Labels, ExpectedEntry>;

ExpectedMap expectedByLabels(const EvalCommand& ev) {
  ExpectedMap out;
  int position = 0;
  for (const SeriesSpec& spec : ev.expected) {
    out[spec.labels] = {++position, &spec};
  }
  return out;
}

std::string showPoints(const std::vector<Sample>& points) {
  std::string out = "[";
  for (std::size_t i = 0; i < points.size() && i < kMaxShownPoints; ++i) {
    out += (i ? " " : "") + formatValue(points[i].v) + "@" + std::to_string(points[i].t);
  }
  if (points.size() > kMaxShownPoints) {
    out += " ... (" + std::to_string(points.size()) + " points)";
  }
  return out + "]";
}

std::string showVector(const promql::Vector& vector) {
  std::string out = "{";
  for (std::size_t i = 0; i < vector.size() && i < kMaxShownPoints; ++i) {
    out += (i ? ", " : "") + vector[i].labels.toString() + " " + formatValue(vector[i].v);
  }
  if (vector.size() > kMaxShownPoints) {
    out += ", ... (" + std::to_string(vector.size()) + " samples)";
  }
  return out + "}";
}

std::string describe(const promql::Value& value) {
  if (const auto* s = std::get_if<promql::Scalar>(&value)) {
    return "scalar " + formatValue(s->v);
  }
  if (const auto* v = std::get_if<promql::Vector>(&value)) {
    return "vector " + showVector(*v);
  }
  if (const auto* m = std::get_if<promql::Matrix>(&value)) {
    std::string out = "matrix of " + std::to_string(m->size()) + " series";
    if (!m->empty()) {
      out += ", first " + m->front().labels.toString() + " " + showPoints(m->front().points);
    }
    return out;
  }
  return "string \"" + std::get<promql::String>(value).v + "\"";
}

std::optional<std::string> compareMatrix(const EvalCommand& ev, const promql::Matrix& got,
                                         const Grid& grid) {
  if (ev.ordered) {
    return "expected an ordered vector, got a matrix";
  }
  if (ev.expectedScalar) {
    return "expected scalar " + formatValue(*ev.expectedScalar) + ", got " + describe(got);
  }
  if (auto unsorted = checkSorted(got)) {
    return unsorted;
  }
  const ExpectedMap expected = expectedByLabels(ev);
  for (const promql::Series& series : got) {
    const auto it = expected.find(series.labels);
    if (it == expected.end()) {
      return "unexpected series " + series.labels.toString() + " " + showPoints(series.points);
    }
    std::vector<Sample> want;
    const auto& values = it->second.spec->values;
    for (std::size_t i = 0; i < values.size(); ++i) {
      const TimestampMs t = grid.start + static_cast<TimestampMs>(i) * grid.step;
      if (!grid.end || t > *grid.end) {
        return "expected " + std::to_string(values.size()) + " points for " +
               series.labels.toString() + ", more than the query time range can return";
      }
      if (values[i]) {
        want.push_back({t, *values[i]});
      }
    }
    if (want.size() != series.points.size()) {
      return "expected " + std::to_string(want.size()) + " points for " + series.labels.toString() +
             " " + showPoints(want) + ", got " + showPoints(series.points);
    }
    for (std::size_t i = 0; i < want.size(); ++i) {
      const Sample& a = series.points[i];
      if (a.t != want[i].t || !almostEqual(a.v, want[i].v)) {
        return series.labels.toString() + " point " + std::to_string(i) + ": expected " +
               formatValue(want[i].v) + "@" + std::to_string(want[i].t) + ", got " +
               formatValue(a.v) + "@" + std::to_string(a.t);
      }
    }
  }
  for (const auto& [labels, entry] : expected) {
    const bool seen = std::any_of(got.begin(), got.end(),
                                  [&](const promql::Series& s) { return s.labels == labels; });
    if (!seen) {
      return "expected series " + labels.toString() + " not found; got " + describe(got);
    }
  }
  return std::nullopt;
}

std::optional<std::string> compareVector(const EvalCommand& ev, const promql::Vector& got) {
  if (ev.expectedScalar) {
    return "expected scalar " + formatValue(*ev.expectedScalar) + ", got " + describe(got);
  }
  const ExpectedMap expected = expectedByLabels(ev);
  std::map<Labels, bool> seen;
  for (std::size_t pos = 0; pos < got.size(); ++pos) {
    const promql::VectorSample& sample = got[pos];
    const auto it = expected.find(sample.labels);
    if (it == expected.end()) {
      return "unexpected sample " + sample.labels.toString() + " " + formatValue(sample.v) +
             "; got " + describe(got);
    }
    if (ev.ordered && it->second.position != static_cast<int>(pos) + 1) {
      return sample.labels.toString() + " expected at position " +
             std::to_string(it->second.position) + ", got at " + std::to_string(pos + 1);
    }
    const auto& values = it->second.spec->values;
    if (values.empty() || !values.front()) {
      return "expected line for " + sample.labels.toString() + " has no value";
    }
    if (!almostEqual(*values.front(), sample.v)) {
      return sample.labels.toString() + ": expected " + formatValue(*values.front()) + ", got " +
             formatValue(sample.v);
    }
    seen[sample.labels] = true;
  }
  for (const auto& [labels, entry] : expected) {
    if (!seen.contains(labels)) {
      return "expected sample " + labels.toString() + " not found; got " + describe(got);
    }
  }
  return std::nullopt;
}

}  // namespace

bool almostEqual(double a, double b, double epsilon) {
  if (isStaleNaN(a) || isStaleNaN(b)) {
    return isStaleNaN(a) && isStaleNaN(b);
  }
  if (std::isnan(a) && std::isnan(b)) {
    return true;
  }
  if (a == b) {
    return true;
  }
  constexpr double kMinNormal = std::numeric_limits<double>::min();  // 2.2250738585072014e-308
  const double absSum = std::abs(a) + std::abs(b);
  const double diff = std::abs(a - b);
  if (a == 0 || b == 0 || absSum < kMinNormal) {
    return diff < epsilon * kMinNormal;
  }
  return diff / std::min(absSum, std::numeric_limits<double>::max()) < epsilon;
}

std::optional<std::string> compareResult(const EvalCommand& ev, const promql::Value& got,
                                         const Grid& grid) {
  if (ev.expectedString && !std::holds_alternative<promql::String>(got)) {
    return "expected string \"" + *ev.expectedString + "\", got " + describe(got);
  }
  if (const auto* m = std::get_if<promql::Matrix>(&got)) {
    return compareMatrix(ev, *m, grid);
  }
  if (const auto* v = std::get_if<promql::Vector>(&got)) {
    return compareVector(ev, *v);
  }
  if (const auto* s = std::get_if<promql::Scalar>(&got)) {
    if (!ev.expectedScalar) {
      return "expected a vector or matrix, got " + describe(got);
    }
    if (!almostEqual(*ev.expectedScalar, s->v)) {
      return "expected scalar " + formatValue(*ev.expectedScalar) + ", got " + formatValue(s->v);
    }
    return std::nullopt;
  }
  const std::string& str = std::get<promql::String>(got).v;
  const std::string want = ev.expectedString.value_or("");
  if (str != want) {
    return "expected string \"" + want + "\", got \"" + str + "\"";
  }
  return std::nullopt;
}

std::optional<std::string> compareError(const EvalCommand& ev, const std::string& error) {
  for (const FailCheck& check : ev.failChecks) {
    bool ok = false;
    if (check.regex) {
      const RE2 re(check.text, RE2::Quiet);
      ok = re.ok() && RE2::PartialMatch(error, re);
    } else {
      ok = error == check.text;
    }
    if (!ok) {
      return std::string("expected an error ") + (check.regex ? "matching " : "equal to ") + "\"" +
             check.text + "\", got \"" + error + "\"";
    }
  }
  return std::nullopt;
}

std::optional<std::string> checkSorted(const promql::Matrix& matrix) {
  for (std::size_t i = 1; i < matrix.size(); ++i) {
    if (matrix[i].labels < matrix[i - 1].labels) {
      return "matrix not sorted by labels: " + matrix[i - 1].labels.toString() + " before " +
             matrix[i].labels.toString();
    }
  }
  return std::nullopt;
}

std::string formatValue(double v) {
  if (isStaleNaN(v)) {
    return "stale";
  }
  if (std::isnan(v)) {
    return "NaN";
  }
  if (std::isinf(v)) {
    return v > 0 ? "+Inf" : "-Inf";
  }
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : std::string("?");
}

}  // namespace nova::conformance
