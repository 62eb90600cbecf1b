#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "nova/core/sample.h"
#include "nova/core/time.h"

namespace nova::promql::detail {

/// The samples of one series inside a range selector's window (t - range, t], stale
/// markers removed, with the window's bounds.
struct RangeWindow {
  std::span<const Sample> points;
  TimestampMs rangeStart = 0;
  TimestampMs rangeEnd = 0;
  DurationMs range = 0;
  /// The query's evaluation time (predict_linear extrapolates from it).
  TimestampMs evalTime = 0;
  /// The scalar argument of quantile_over_time and predict_linear.
  double param = 0;
};

/// A function of a range vector computing one value per series; nullopt drops the series.
using RangeFunction = std::optional<double> (*)(const RangeWindow&);

/// rate, increase, delta: Prometheus's extrapolation to the window bounds.
std::optional<double> extrapolatedRate(const RangeWindow& w, bool isCounter, bool isRate);
/// The extrapolation itself, from the window's first and last samples, its sample count
/// (at least 2) and the difference already corrected for counter resets; `w` gives the
/// bounds only. What extrapolatedRate computes once it has scanned the window.
double extrapolateToBounds(const Sample& first, const Sample& last, std::size_t count,
                           double result, const RangeWindow& w, bool isCounter, bool isRate);
std::optional<double> fnRate(const RangeWindow& w);
std::optional<double> fnIncrease(const RangeWindow& w);
std::optional<double> fnDelta(const RangeWindow& w);
/// irate, idelta: from the last two samples only.
std::optional<double> fnIrate(const RangeWindow& w);
std::optional<double> fnIdelta(const RangeWindow& w);
/// deriv: the least-squares slope per second.
std::optional<double> fnDeriv(const RangeWindow& w);
/// predict_linear: the regression line's value `param` seconds after the evaluation time.
std::optional<double> fnPredictLinear(const RangeWindow& w);
std::optional<double> fnQuantileOverTime(const RangeWindow& w);
std::optional<double> fnMadOverTime(const RangeWindow& w);

std::optional<double> fnAvgOverTime(const RangeWindow& w);
std::optional<double> fnSumOverTime(const RangeWindow& w);
std::optional<double> fnMinOverTime(const RangeWindow& w);
std::optional<double> fnMaxOverTime(const RangeWindow& w);
std::optional<double> fnCountOverTime(const RangeWindow& w);
std::optional<double> fnLastOverTime(const RangeWindow& w);
std::optional<double> fnFirstOverTime(const RangeWindow& w);
std::optional<double> fnPresentOverTime(const RangeWindow& w);
std::optional<double> fnStddevOverTime(const RangeWindow& w);
std::optional<double> fnStdvarOverTime(const RangeWindow& w);
std::optional<double> fnChanges(const RangeWindow& w);
std::optional<double> fnResets(const RangeWindow& w);

struct RangeFunctionInfo {
  std::string_view name;
  RangeFunction fn;
  /// last_over_time and first_over_time return the sample itself, so the name stays.
  bool keepsName;
  /// Position of the range-vector argument; any other argument is a scalar parameter.
  int matrixArg = 0;
};

/// The range-vector function called `name`, or nullptr.
const RangeFunctionInfo* findRangeFunction(std::string_view name);

}  // namespace nova::promql::detail
