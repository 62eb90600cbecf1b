#include "bench_loop.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <vector>

namespace nova::bench {
namespace {

// CPU time of the whole process; steadier than wall time on a machine shared with other work.
double cpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

}  // namespace

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
  double bestWall = 0;
  while (total < options.minSeconds || times.size() < options.minIters) {
    const auto start = std::chrono::steady_clock::now();
    const double startCpu = cpuSeconds();
    const ParseOutcome outcome = parse();
    const double cpu = cpuSeconds() - startCpu;
    const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - start;
    if (!outcome.ok || outcome.samples != first.samples) {
      std::fprintf(stderr, "%.*s: unstable parse: %zu samples %s\n",
                   static_cast<int>(parser.size()), parser.data(), outcome.samples,
                   outcome.error.c_str());
      return 1;
    }
    if (bestWall == 0 || wall.count() < bestWall) {
      bestWall = wall.count();
    }
    times.push_back(cpu);
    total += wall.count();
  }
  std::sort(times.begin(), times.end());
  const double best = times.front();
  const double median = times[times.size() / 2];
  std::printf(
      "RESULT parser=%.*s bytes=%zu samples=%zu iters=%zu best_s=%.6f median_s=%.6f "
      "wall_s=%.6f mbps=%.2f sps=%.0f\n",
      static_cast<int>(parser.size()), parser.data(), bodyBytes, first.samples, times.size(), best,
      median, bestWall, static_cast<double>(bodyBytes) / best / 1e6,
      static_cast<double>(first.samples) / best);
  return 0;
}

}  // namespace nova::bench
