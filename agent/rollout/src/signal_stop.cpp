#include "signal_stop.h"

#include <ctime>

namespace nova::rollout::detail {

SignalStop::SignalStop(StopSource& stop) {
  sigemptyset(&set_);
  sigaddset(&set_, SIGINT);
  sigaddset(&set_, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set_, &previous_);
  thread_ = std::thread([this, &stop] {
    const timespec pause{0, 200'000'000};
    while (!done_.load()) {
      const int sig = sigtimedwait(&set_, nullptr, &pause);
      if (sig == SIGINT || sig == SIGTERM) {
        int expected = 0;
        received_.compare_exchange_strong(expected, sig);
        stop.requestStop(sig == SIGINT ? "SIGINT" : "SIGTERM");
      }
    }
  });
}

SignalStop::~SignalStop() {
  done_.store(true);
  thread_.join();
  pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
}

}  // namespace nova::rollout::detail
