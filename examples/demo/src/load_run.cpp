#include "load_run.h"

#include <signal.h>

#include <cstdio>
#include <fstream>
#include <iostream>

namespace nova::demo {
namespace {

std::optional<TimestampMs> readMark(const std::string& path) {
  if (path.empty()) {
    return std::nullopt;
  }
  std::ifstream in(path);
  long long ms = 0;
  if (in >> ms && ms > 0) {
    return ms;
  }
  return std::nullopt;
}

std::string seconds(DurationMs ms) {
  char out[32];
  std::snprintf(out, sizeof out, "%.3f", static_cast<double>(ms) / 1000.0);
  return out;
}

}  // namespace

int runLoadUntilStopped(const LoadRunOptions& o) {
  // Blocked before the client threads start, so only the wait below takes the signals.
  sigset_t stopSignals;
  sigemptyset(&stopSignals);
  sigaddset(&stopSignals, SIGINT);
  sigaddset(&stopSignals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);
  LoadGenerator load(o.load);
  std::optional<TimestampMs> faultAt;
  const timespec tick{0, 10'000'000};
  while (sigtimedwait(&stopSignals, nullptr, &tick) < 0) {
    if (!faultAt && (faultAt = readMark(o.faultMark))) {
      load.watchFrom(*faultAt);
    }
  }
  load.stop();
  const auto [before, after] = load.countsAround(faultAt.value_or(wallNowMs()));
  int status = 0;
  if (faultAt) {
    if (auto blue = load.firstBlue()) {
      std::cout << "fault-to-blue: " << seconds(*blue - *faultAt) << " s\n";
    } else {
      std::cout << "fault-to-blue: never (no answer from " << o.load.blueValue << ")\n";
      status = 1;
    }
  }
  std::cout << "failed client requests: " << before.failed + after.failed << " of "
            << before.requests + after.requests << std::endl;
  return status;
}

}  // namespace nova::demo
