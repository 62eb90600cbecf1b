#include "signals.h"

namespace nova::agent::detail {

SignalWatcher::SignalWatcher(std::function<void()> onStop, std::function<void()> onReload)
    : onStop_(std::move(onStop)), onReload_(std::move(onReload)) {
  sigemptyset(&set_);
  sigaddset(&set_, SIGTERM);
  sigaddset(&set_, SIGINT);
  sigaddset(&set_, SIGHUP);
  // SIGUSR2 only ends the watcher from the destructor.
  sigaddset(&set_, SIGUSR2);
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

}  // namespace nova::agent::detail
