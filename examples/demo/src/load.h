#pragma once

#include <atomic>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "nova/core/time.h"

namespace nova::demo {

/// Wall-clock ms since the epoch, the time base the agent's log uses too.
TimestampMs wallNowMs();

struct LoadOptions {
  /// GET target, through nginx.
  std::string url;
  int threads = 4;
  /// Requests per second over all threads, paced evenly.
  double rate = 100;
  /// The response header naming who answered, and the value that means blue.
  std::string colorHeader = "X-Nova-Color";
  std::string blueValue = "blue";
};

/// Counts of one stretch of the run.
struct LoadCounts {
  long requests = 0;
  long failed = 0;
};

/// Steady client traffic: each thread keeps one keep-alive connection and sends GETs at its
/// share of the rate. A request fails on a transport error or a status other than 200.
/// Thread-safe accessors; the threads stop in stop() or the destructor.
class LoadGenerator {
 public:
  explicit LoadGenerator(LoadOptions options);
  ~LoadGenerator();
  LoadGenerator(const LoadGenerator&) = delete;
  LoadGenerator& operator=(const LoadGenerator&) = delete;

  /// From `at` (ms) on, the first failure and the first answer from blue are recorded.
  void watchFrom(TimestampMs at);
  std::optional<TimestampMs> firstBlue() const;
  /// The first failure seen after watchFrom, with its reason.
  std::optional<std::pair<TimestampMs, std::string>> firstFailure() const;
  /// Requests that completed before `at` and from `at` on.
  std::pair<LoadCounts, LoadCounts> countsAround(TimestampMs at) const;
  void stop();

 private:
  struct Outcome {
    TimestampMs at;
    bool ok;
  };
  void run(std::size_t index);
  void record(TimestampMs at, bool ok, bool blue, const std::string& failure);

  LoadOptions options_;
  std::atomic<bool> stop_{false};
  std::atomic<TimestampMs> watchFrom_{0};
  mutable std::mutex mutex_;
  std::vector<Outcome> outcomes_;
  std::optional<TimestampMs> firstBlue_;
  std::optional<std::pair<TimestampMs, std::string>> firstFailure_;
  std::vector<std::thread> threads_;
};

}  // namespace nova::demo
