#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "nova/core/clock.h"
#include "nova/core/time.h"
#include "nova/remote/answer.h"
#include "nova/remote/source.h"

namespace nova::remote {

/// One instant query: `expr` at `at` (ms) against `source` (not owned; must outlive run()).
struct QueryTask {
  const SourceConfig* source = nullptr;
  std::string expr;
  TimestampMs at = 0;
};

/// Runs a batch of instant queries concurrently over one curl multi handle (nova::http's
/// MultiClient): at most `maxConcurrent` in flight, each bounded by its source's timeout,
/// and the whole batch by a budget. What has not finished when the budget runs out is
/// aborted (or never started) and ends as kTimeout, so run() returns by the budget
/// (give or take one poll of at most 50 ms). Connections are kept alive between batches.
///
/// Not thread-safe: one thread calls run(). The clock measures the budget (monotonic).
class QueryRunner {
 public:
  QueryRunner(const Clock& clock, std::size_t maxConcurrent);
  ~QueryRunner();
  QueryRunner(const QueryRunner&) = delete;
  QueryRunner& operator=(const QueryRunner&) = delete;

  /// The outcomes, in the order of `tasks`. Blocks at most about `budget` ms.
  std::vector<QueryOutcome> run(std::span<const QueryTask> tasks, DurationMs budget);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nova::remote
