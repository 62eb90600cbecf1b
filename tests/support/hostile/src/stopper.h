#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace nova::hostile::detail {

/// A stop flag that sleeping connection threads can wait on, so stop() cuts a slowloris
/// pause short instead of waiting out its second.
class Stopper {
 public:
  /// Sleeps `ms`; returns false (at once) when stop() is called meanwhile.
  bool sleepFor(int ms) {
    std::unique_lock lock(mutex_);
    return !cv_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stopped_; });
  }
  bool stopped() const {
    std::lock_guard lock(mutex_);
    return stopped_;
  }
  void stop() {
    {
      std::lock_guard lock(mutex_);
      stopped_ = true;
    }
    cv_.notify_all();
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  bool stopped_ = false;
};

}  // namespace nova::hostile::detail
