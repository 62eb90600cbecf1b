#pragma once

#include <pthread.h>

#include <atomic>
#include <csignal>
#include <thread>

#include "nova/rollout/stop.h"

namespace nova::rollout::detail {

/// Turns SIGINT and SIGTERM into a stop request: the signals are blocked in every thread
/// (construct this before starting any other thread) and a thread of its own waits for
/// them with sigtimedwait, so no handler runs in a signal context. Restores the mask and
/// joins on destruction.
class SignalStop {
 public:
  explicit SignalStop(StopSource& stop);
  ~SignalStop();
  SignalStop(const SignalStop&) = delete;
  SignalStop& operator=(const SignalStop&) = delete;

  /// The signal received, or 0.
  int received() const { return received_.load(); }

 private:
  sigset_t set_{};
  sigset_t previous_{};
  std::atomic<bool> done_{false};
  std::atomic<int> received_{0};
  std::thread thread_;
};

}  // namespace nova::rollout::detail
