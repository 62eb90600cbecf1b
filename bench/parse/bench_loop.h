#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace nova::bench {

/// How long to keep timing one body: until both bounds are reached.
struct LoopOptions {
  double minSeconds = 1.0;
  std::size_t minIters = 3;
};

/// What one parse of a whole body yields; `ok` false stops the run.
struct ParseOutcome {
  bool ok = false;
  std::size_t samples = 0;
  std::string error;
};

/// Calls `parse` once untimed (warm-up), then repeatedly until `options` are met (minSeconds
/// of wall time), and prints the line bench/parse.sh reads, the same one the Go and Python
/// harnesses print:
/// `RESULT parser=P bytes=B samples=N iters=K best_s=T median_s=T wall_s=T mbps=M sps=S`
/// best_s and median_s are process CPU seconds per parse, wall_s the best wall time; MB/s and
/// samples/s come from best_s (MB = 10^6 bytes). Returns the exit code:
/// non-zero when a parse failed or two parses disagreed on the sample count.
int runLoop(std::string_view parser, std::size_t bodyBytes, const LoopOptions& options,
            const std::function<ParseOutcome()>& parse);

}  // namespace nova::bench
