#pragma once

#include <cmath>

namespace nova::promql::detail {

/// A running sum with Neumaier's compensation, as Prometheus keeps it: once the sum is
/// infinite the compensation is reset so that the result stays infinite rather than NaN.
struct KahanSum {
  double sum = 0;
  double c = 0;

  void add(double inc) {
    const double t = sum + inc;
    if (std::isinf(t)) {
      c = 0;
    } else if (std::fabs(sum) >= std::fabs(inc)) {
      c += (sum - t) + inc;
    } else {
      c += (inc - t) + sum;
    }
    sum = t;
  }
};

/// The increment step of KahanSum as a function of explicit state.
inline void kahanInc(double inc, double& sum, double& c) {
  KahanSum k{sum, c};
  k.add(inc);
  sum = k.sum;
  c = k.c;
}

}  // namespace nova::promql::detail
