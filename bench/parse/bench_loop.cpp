#include "bench_loop.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

namespace nova::bench {

int runLoop(std::string_view parser, std::size_t bodyBytes, const LoopOptions& options,
            const std::function<ParseOutcome()>& parse) {
  const ParseOutcome first = parse();
  if (!first.ok) {
    std::fprintf(stderr, "%.*s: %s\n", static_cast<int>(parser.size()), parser.data(),
                 first.error.c_str());
    return 1;
  }
  std::vector<double> times;
  double total = 0;
  while (total < options.minSeconds || times.size() < options.minIters) {
    const auto start = std::chrono::steady_clock::now();
    const ParseOutcome outcome = parse();
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    if (!outcome.ok || outcome.samples != first.samples) {
      std::fprintf(stderr, "%.*s: unstable parse: %zu samples %s\n",
                   static_cast<int>(parser.size()), parser.data(), outcome.samples,
                   outcome.error.c_str());
      return 1;
    }
    times.push_back(elapsed.count());
    total += elapsed.count();
  }
  std::sort(times.begin(), times.end());
  const double best = times.front();
  const double median = times[times.size() / 2];
  std::printf(
      "RESULT parser=%.*s bytes=%zu samples=%zu iters=%zu best_s=%.6f median_s=%.6f "
      "mbps=%.2f sps=%.0f\n",
      static_cast<int>(parser.size()), parser.data(), bodyBytes, first.samples, times.size(), best,
      median, static_cast<double>(bodyBytes) / best / 1e6,
      static_cast<double>(first.samples) / best);
  return 0;
}

}  // namespace nova::bench
