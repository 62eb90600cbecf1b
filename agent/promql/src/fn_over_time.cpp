// The *_over_time family, changes and resets, and the table of range-vector functions.
#include <array>
#include <cmath>
#include <limits>
#include <span>
#include <vector>

#include "aggregate_param.h"
#include "fn_kahan.h"
#include "fn_range.h"

namespace nova::promql::detail {

std::optional<double> fnAvgOverTime(const RangeWindow& w) {
  const auto& pts = w.points;
  if (pts.empty()) {
    return std::nullopt;
  }
  // A direct Kahan-compensated mean is the most accurate; only when the running sum would
  // overflow does the mean continue incrementally, as Prometheus does.
  double sum = pts.front().v;
  double c = 0;
  double mean = 0;
  double count = 1;
  bool incremental = false;
  for (std::size_t i = 1; i < pts.size(); ++i) {
    const double f = pts[i].v;
    count = static_cast<double>(i + 1);
    if (!incremental) {
      double newSum = sum;
      double newC = c;
      kahanInc(f, newSum, newC);
      if (!std::isinf(newSum)) {
        sum = newSum;
        c = newC;
        continue;
      }
      incremental = true;
      mean = sum / (count - 1);
      c /= (count - 1);
    }
    const double q = (count - 1) / count;
    mean = q * mean;
    c = q * c;
    kahanInc(f / count, mean, c);
  }
  if (incremental) {
    return mean + c;
  }
  return sum / count + c / count;
}

std::optional<double> fnSumOverTime(const RangeWindow& w) {
  if (w.points.empty()) {
    return std::nullopt;
  }
  KahanSum k;
  for (const auto& p : w.points) {
    k.add(p.v);
  }
  if (std::isinf(k.sum)) {
    return k.sum;
  }
  return k.sum + k.c;
}

namespace {

// The first best value from `from` on, in one pass.
template <typename Better>
double bestFrom(std::span<const Sample> points, std::size_t from, Better better) {
  double best = points[from].v;
  for (std::size_t i = from + 1; i < points.size(); ++i) {
    const double v = points[i].v;
    best = better(v, best) ? v : best;
  }
  return best;
}

// NaN loses against any number, but an all-NaN window stays NaN (the last NaN, as
// Prometheus's loop leaves it). Otherwise the first best number: four independent lanes
// keep the loop from waiting on each comparison; only +0 and -0 tie with different bits,
// so a zero result is recomputed in order.
template <typename Better>
std::optional<double> extremeOverTime(const RangeWindow& w, Better better) {
  const std::span<const Sample> points = w.points;
  if (points.empty()) {
    return std::nullopt;
  }
  std::size_t first = 0;
  while (first < points.size() && std::isnan(points[first].v)) {
    ++first;
  }
  if (first == points.size()) {
    return points.back().v;
  }
  double lanes[4] = {points[first].v, points[first].v, points[first].v, points[first].v};
  std::size_t i = first + 1;
  for (; i + 4 <= points.size(); i += 4) {
    for (std::size_t k = 0; k < 4; ++k) {
      const double v = points[i + k].v;
      lanes[k] = better(v, lanes[k]) ? v : lanes[k];
    }
  }
  double best = lanes[0];
  for (std::size_t k = 1; k < 4; ++k) {
    best = better(lanes[k], best) ? lanes[k] : best;
  }
  for (; i < points.size(); ++i) {
    best = better(points[i].v, best) ? points[i].v : best;
  }
  if (best == 0) {
    return bestFrom(points, first, better);
  }
  return best;
}

std::optional<double> varianceOverTime(const RangeWindow& w) {
  if (w.points.empty()) {
    return std::nullopt;
  }
  double count = 0;
  double mean = 0;
  double cMean = 0;
  double aux = 0;
  double cAux = 0;
  for (const auto& p : w.points) {
    count++;
    const double delta = p.v - (mean + cMean);
    kahanInc(delta / count, mean, cMean);
    kahanInc(delta * (p.v - (mean + cMean)), aux, cAux);
  }
  return (aux + cAux) / count;
}

}  // namespace

std::optional<double> fnMinOverTime(const RangeWindow& w) {
  return extremeOverTime(w, [](double a, double b) { return a < b; });
}

std::optional<double> fnMaxOverTime(const RangeWindow& w) {
  return extremeOverTime(w, [](double a, double b) { return a > b; });
}

std::optional<double> fnCountOverTime(const RangeWindow& w) {
  if (w.points.empty()) {
    return std::nullopt;
  }
  return static_cast<double>(w.points.size());
}

std::optional<double> fnLastOverTime(const RangeWindow& w) {
  if (w.points.empty()) {
    return std::nullopt;
  }
  return w.points.back().v;
}

std::optional<double> fnFirstOverTime(const RangeWindow& w) {
  if (w.points.empty()) {
    return std::nullopt;
  }
  return w.points.front().v;
}

std::optional<double> fnPresentOverTime(const RangeWindow& w) {
  if (w.points.empty()) {
    return std::nullopt;
  }
  return 1.0;
}

std::optional<double> fnStdvarOverTime(const RangeWindow& w) {
  return varianceOverTime(w);
}

std::optional<double> fnStddevOverTime(const RangeWindow& w) {
  auto v = varianceOverTime(w);
  if (!v) {
    return std::nullopt;
  }
  return std::sqrt(*v);
}

std::optional<double> fnChanges(const RangeWindow& w) {
  if (w.points.empty()) {
    return std::nullopt;
  }
  double changes = 0;
  for (std::size_t i = 1; i < w.points.size(); ++i) {
    const double prev = w.points[i - 1].v;
    const double cur = w.points[i].v;
    if (cur != prev && !(std::isnan(cur) && std::isnan(prev))) {
      changes++;
    }
  }
  return changes;
}

std::optional<double> fnResets(const RangeWindow& w) {
  if (w.points.empty()) {
    return std::nullopt;
  }
  double resets = 0;
  for (std::size_t i = 1; i < w.points.size(); ++i) {
    if (w.points[i].v < w.points[i - 1].v) {
      resets++;
    }
  }
  return resets;
}

std::optional<double> fnQuantileOverTime(const RangeWindow& w) {
  if (w.points.empty()) {
    return std::nullopt;
  }
  std::vector<double> values;
  values.reserve(w.points.size());
  for (const auto& p : w.points) {
    values.push_back(p.v);
  }
  return quantileOf(w.param, std::move(values));
}

std::optional<double> fnMadOverTime(const RangeWindow& w) {
  if (w.points.empty()) {
    return std::nullopt;
  }
  std::vector<double> values;
  values.reserve(w.points.size());
  for (const auto& p : w.points) {
    // A NaN sample makes the deviation undefined rather than being ranked away.
    if (std::isnan(p.v)) {
      return std::numeric_limits<double>::quiet_NaN();
    }
    values.push_back(p.v);
  }
  const double median = quantileOf(0.5, values);
  for (double& v : values) {
    v = std::fabs(v - median);
  }
  return quantileOf(0.5, std::move(values));
}

const RangeFunctionInfo* findRangeFunction(std::string_view name) {
  static constexpr std::array<RangeFunctionInfo, 21> kTable{{
      {"rate", fnRate, false},
      {"increase", fnIncrease, false},
      {"delta", fnDelta, false},
      {"irate", fnIrate, false},
      {"idelta", fnIdelta, false},
      {"deriv", fnDeriv, false},
      {"avg_over_time", fnAvgOverTime, false},
      {"sum_over_time", fnSumOverTime, false},
      {"min_over_time", fnMinOverTime, false},
      {"max_over_time", fnMaxOverTime, false},
      {"count_over_time", fnCountOverTime, false},
      {"last_over_time", fnLastOverTime, true},
      {"first_over_time", fnFirstOverTime, true},
      {"present_over_time", fnPresentOverTime, false},
      {"stddev_over_time", fnStddevOverTime, false},
      {"stdvar_over_time", fnStdvarOverTime, false},
      {"changes", fnChanges, false},
      {"resets", fnResets, false},
      {"predict_linear", fnPredictLinear, false, 0},
      {"quantile_over_time", fnQuantileOverTime, false, 1},
      {"mad_over_time", fnMadOverTime, false},
  }};
  for (const auto& info : kTable) {
    if (info.fn != nullptr && info.name == name) {
      return &info;
    }
  }
  return nullptr;
}

}  // namespace nova::promql::detail
