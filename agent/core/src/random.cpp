#include "nova/core/random.h"

namespace nova {

SystemRandom::SystemRandom() : engine_(std::random_device{}()) {}

double SystemRandom::uniform() {
  std::lock_guard lock(mutex_);
  return std::uniform_real_distribution<double>(0.0, 1.0)(engine_);
}

double SequenceRandom::uniform() {
  std::lock_guard lock(mutex_);
  if (values_.empty()) {
    return 0.5;
  }
  const double value = values_[next_];
  next_ = (next_ + 1) % values_.size();
  return value;
}

}  // namespace nova
