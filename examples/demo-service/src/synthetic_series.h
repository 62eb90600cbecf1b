#pragma once

#include <prometheus/metric_family.h>
#include <prometheus/serializer.h>

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <ostream>
#include <vector>

namespace nova::demo {

/// A fixed number of made-up series shaped like a real service's (cache counters per shard,
/// Kafka consumer lag per partition, RPC client counters per method and code), so scrape
/// benchmarks can ask the service for ~10k samples. Counters grow and gauges move at every
/// scrape, as real ones would. Thread-safe.
class SyntheticSeries {
 public:
  /// `count` series in total, spread over three families; 0 adds nothing.
  explicit SyntheticSeries(std::size_t count);

  /// Advances every value one step and writes the families to `out`.
  void serialize(std::ostream& out, const prometheus::Serializer& serializer);

 private:
  void advance();

  std::mutex mutex_;
  std::vector<prometheus::MetricFamily> families_;
  std::uint64_t scrapes_ = 0;
};

}  // namespace nova::demo
