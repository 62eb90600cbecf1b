#include <algorithm>
#include <cmath>

#include "nova/dashboard/chart_data.h"

namespace nova::dashboard {

std::vector<double> reduceWorst(std::span<const double> values, std::size_t factor, Worse worse) {
  if (factor <= 1) {
    return {values.begin(), values.end()};
  }
  std::vector<double> out;
  out.reserve((values.size() + factor - 1) / factor);
  for (std::size_t begin = 0; begin < values.size(); begin += factor) {
    const std::size_t end = std::min(values.size(), begin + factor);
    double kept = std::nan("");
    for (std::size_t i = begin; i < end; ++i) {
      const double v = values[i];
      if (std::isnan(v)) {
        continue;
      }
      if (std::isnan(kept) || (worse == Worse::kHigher ? v > kept : v < kept)) {
        kept = v;
      }
    }
    out.push_back(kept);
  }
  return out;
}

}  // namespace nova::dashboard
