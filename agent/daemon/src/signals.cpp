#include "signals.h"

#include <spdlog/spdlog.h>

namespace nova::daemon::detail {
namespace {

sigset_t watchedSet() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  // The destructor's way to end the watcher; from anyone else it is ignored.
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
    closing_ = true;
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
    switch (signal) {
      case SIGHUP:
        onReload_();
        break;
      case SIGTERM:
      case SIGINT:
        onStop_();
        return;
      case SIGUSR2:
        if (closing_) {
          return;
        }
        spdlog::info("ignored signal SIGUSR2: the agent uses it internally");
        break;
      default:
        spdlog::warn("ignored signal {}", signal);
        break;
    }
  }
}

}  // namespace nova::daemon::detail
