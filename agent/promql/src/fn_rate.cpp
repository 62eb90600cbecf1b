// rate, increase, delta, irate, idelta and deriv with Prometheus's arithmetic, so results
// agree to the last bit where the inputs do.
#include <cmath>
#include <limits>

#include "fn_kahan.h"
#include "fn_range.h"

namespace nova::promql::detail {

std::optional<double> extrapolatedRate(const RangeWindow& w, bool isCounter, bool isRate) {
  const auto& pts = w.points;
  if (pts.size() < 2) {
    return std::nullopt;
  }
  double result = pts.back().v - pts.front().v;
  if (isCounter) {
    // A drop means the counter restarted from zero: add back what it had reached.
    for (std::size_t i = 1; i < pts.size(); ++i) {
      if (pts[i].v < pts[i - 1].v) {
        result += pts[i - 1].v;
      }
    }
  }
  return extrapolateToBounds(pts.front(), pts.back(), pts.size(), result, w, isCounter, isRate);
}

double extrapolateToBounds(const Sample& first, const Sample& last, std::size_t count,
                           double result, const RangeWindow& w, bool isCounter, bool isRate) {
  const std::size_t lastIndex = count - 1;
  const TimestampMs firstT = first.t;
  const TimestampMs lastT = last.t;

  double durationToStart = static_cast<double>(firstT - w.rangeStart) / 1000;
  double durationToEnd = static_cast<double>(w.rangeEnd - lastT) / 1000;
  const double sampledInterval = static_cast<double>(lastT - firstT) / 1000;
  const double averageBetweenSamples = sampledInterval / static_cast<double>(lastIndex);

  // Extrapolate to a bound only when a sample would be expected there (within 110% of the
  // average spacing); otherwise assume the series starts or ends half a spacing away.
  const double threshold = averageBetweenSamples * 1.1;
  if (durationToStart >= threshold) {
    durationToStart = averageBetweenSamples / 2;
  }
  if (isCounter) {
    // A counter cannot go below zero: do not extrapolate further back than that point.
    double durationToZero = durationToStart;
    if (result > 0 && first.v >= 0) {
      durationToZero = sampledInterval * (first.v / result);
    }
    if (durationToZero < durationToStart) {
      durationToStart = durationToZero;
    }
  }
  if (durationToEnd >= threshold) {
    durationToEnd = averageBetweenSamples / 2;
  }

  double factor = (sampledInterval + durationToStart + durationToEnd) / sampledInterval;
  if (isRate) {
    factor /= static_cast<double>(w.range) / 1000;
  }
  return result * factor;
}

std::optional<double> fnRate(const RangeWindow& w) {
  return extrapolatedRate(w, true, true);
}

std::optional<double> fnIncrease(const RangeWindow& w) {
  return extrapolatedRate(w, true, false);
}

std::optional<double> fnDelta(const RangeWindow& w) {
  return extrapolatedRate(w, false, false);
}

namespace {

std::optional<double> instantValue(const RangeWindow& w, bool isRate) {
  const auto& pts = w.points;
  if (pts.size() < 2) {
    return std::nullopt;
  }
  const Sample& prev = pts[pts.size() - 2];
  const Sample& last = pts[pts.size() - 1];
  const TimestampMs interval = last.t - prev.t;
  if (interval == 0) {
    return std::nullopt;
  }
  // On a counter reset the last value itself is the increase since the restart.
  double result = last.v;
  if (!isRate || !(last.v < prev.v)) {
    result = last.v - prev.v;
  }
  if (isRate) {
    result /= static_cast<double>(interval) / 1000;
  }
  return result;
}

}  // namespace

std::optional<double> fnIrate(const RangeWindow& w) {
  return instantValue(w, true);
}

std::optional<double> fnIdelta(const RangeWindow& w) {
  return instantValue(w, false);
}

namespace {

struct Regression {
  double slope = 0;
  double intercept = 0;
};

// Least squares with Kahan-compensated sums over x = seconds since `interceptTime`.
Regression linearRegression(std::span<const Sample> pts, TimestampMs interceptTime) {
  double n = 0;
  KahanSum sumX;
  KahanSum sumY;
  KahanSum sumXY;
  KahanSum sumX2;
  const double initY = pts.front().v;
  bool constY = true;
  for (std::size_t i = 0; i < pts.size(); ++i) {
    if (constY && i > 0 && pts[i].v != initY) {
      constY = false;
    }
    n += 1.0;
    const double x = static_cast<double>(pts[i].t - interceptTime) / 1e3;
    sumX.add(x);
    sumY.add(pts[i].v);
    sumXY.add(x * pts[i].v);
    sumX2.add(x * x);
  }
  if (constY) {
    if (std::isinf(initY)) {
      const double nan = std::numeric_limits<double>::quiet_NaN();
      return {nan, nan};
    }
    return {0, initY};
  }
  const double sx = sumX.sum + sumX.c;
  const double sy = sumY.sum + sumY.c;
  const double sxy = sumXY.sum + sumXY.c;
  const double sx2 = sumX2.sum + sumX2.c;
  const double covXY = sxy - sx * sy / n;
  const double varX = sx2 - sx * sx / n;
  const double slope = covXY / varX;
  return {slope, sy / n - slope * sx / n};
}

}  // namespace

std::optional<double> fnDeriv(const RangeWindow& w) {
  if (w.points.size() < 2) {
    return std::nullopt;
  }
  // Times relative to the first sample keep the sums small.
  return linearRegression(w.points, w.points.front().t).slope;
}

std::optional<double> fnPredictLinear(const RangeWindow& w) {
  if (w.points.size() < 2) {
    return std::nullopt;
  }
  const Regression r = linearRegression(w.points, w.evalTime);
  return r.slope * w.param + r.intercept;
}

}  // namespace nova::promql::detail
