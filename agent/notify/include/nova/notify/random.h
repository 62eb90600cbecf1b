#pragma once

#include <mutex>
#include <random>

namespace nova::notify {

/// A source of randomness for jittered backoff; tests inject a fixed sequence.
class Random {
 public:
  virtual ~Random() = default;
  /// A uniformly distributed number in [0, 1). Thread-safe in every implementation.
  virtual double uniform() = 0;
};

/// std::mt19937_64 seeded from std::random_device. Thread-safe.
class SystemRandom final : public Random {
 public:
  SystemRandom();
  double uniform() override;

 private:
  std::mutex mutex_;
  std::mt19937_64 engine_;
};

}  // namespace nova::notify
