#include "signals.h"

namespace nova::daemon::detail {
namespace {

sigset_t watchedSet() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  // SIGUSR2 only ends the watcher from the destructor.
  sigaddset(&set, SIGUSR2);
  return set;
}

}  // namespace

void blockWatchedSignals() {
  const sigset_t set = watchedSet();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

SignalWatcher::SignalWatcher(std::function<void()> onStop, std::function<void()> onReload)
    : onStop_(std::move(onStop)), onReload_(std::move(onReload)) {
  set_ = watchedSet();
  pthread_sigmask(SIG_BLOCK, &set_, nullptr);
  thread_ = std::thread([this] { run(); });
}

SignalWatcher::~SignalWatcher() {
  if (thread_.joinable()) {
    pthread_kill(thread_.native_handle(), SIGUSR2);
    thread_.join();
  }
}

void SignalWatcher::run() {
  while (true) {
    int signal = 0;
    if (sigwait(&set_, &signal) != 0) {
      continue;
    }
    if (signal == SIGHUP) {
      onReload_();
      continue;
    }
    if (signal == SIGTERM || signal == SIGINT) {
      onStop_();
    }
    return;
  }
}

}  // namespace nova::daemon::detail
