#pragma once

#include <pthread.h>

#include <csignal>
#include <functional>
#include <thread>

namespace nova::daemon::detail {

/// Blocks SIGTERM, SIGINT, SIGHUP (and SIGUSR2) in the calling thread, so threads started
/// afterwards inherit the mask and only the watcher receives them. Call before any thread.
void blockWatchedSignals();

/// Receives SIGTERM, SIGINT and SIGHUP on a thread of its own with sigwait, so no work
/// happens in an async signal handler. Block the signals in every thread first: construct
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
  std::thread thread_;
};

}  // namespace nova::daemon::detail
