#pragma once

#include <cstddef>
#include <mutex>
#include <random>
#include <vector>

namespace nova {

/// The one source of randomness (jitter, ids): injected like the Clock, so tests choose
/// the numbers. Implementations are thread-safe.
class Random {
 public:
  virtual ~Random() = default;
  /// A uniformly distributed number in [0, 1).
  virtual double uniform() = 0;
};

/// std::mt19937_64 seeded from std::random_device.
class SystemRandom final : public Random {
 public:
  SystemRandom();
  double uniform() override;

 private:
  std::mutex mutex_;
  std::mt19937_64 engine_;
};

/// Returns the given numbers in turn, starting over after the last (0.5 when empty).
class SequenceRandom final : public Random {
 public:
  explicit SequenceRandom(std::vector<double> values = {}) : values_(std::move(values)) {}
  double uniform() override;

 private:
  std::mutex mutex_;
  std::vector<double> values_;
  std::size_t next_ = 0;
};

}  // namespace nova
