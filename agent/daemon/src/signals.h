#pragma once

#include <pthread.h>

#include <atomic>
#include <csignal>
#include <functional>
#include <thread>

namespace nova::daemon::detail {

/// Blocks SIGTERM, SIGINT, SIGHUP and SIGUSR2 in the calling thread, so threads started
/// afterwards inherit the mask and only the watcher receives them. Call before any thread.
void blockWatchedSignals();

/// Receives SIGTERM, SIGINT, SIGHUP and SIGUSR2 on a thread of its own with sigwait, so no
/// work happens in an async signal handler. Every signal it blocks is handled or ignored:
/// SIGTERM and SIGINT stop, SIGHUP reloads, SIGUSR2 is ignored (logged) unless the
/// destructor sent it to end the thread. Block the signals in every thread first: construct
/// it before starting any other thread.
class SignalWatcher {
 public:
  /// `onStop` runs for SIGTERM/SIGINT (the watcher ends after it), `onReload` for SIGHUP.
  SignalWatcher(std::function<void()> onStop, std::function<void()> onReload);
  /// Ends the watcher thread if no stop signal came.
  ~SignalWatcher();
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

 private:
  void run();

  std::function<void()> onStop_;
  std::function<void()> onReload_;
  sigset_t set_{};
  /// Set by the destructor before it wakes the thread with SIGUSR2.
  std::atomic<bool> closing_{false};
  std::thread thread_;
};

}  // namespace nova::daemon::detail
