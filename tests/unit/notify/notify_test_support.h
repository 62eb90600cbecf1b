#pragma once

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "nova/core/clock.h"
#include "nova/core/random.h"
#include "nova/notify/receiver.h"

namespace nova::notify::test {

inline constexpr TimestampMs kT0 = 1'790'000'000'000;  // 2026-09-21T14:13:20Z

inline Notification incident(NotificationKind kind, Severity severity,
                             std::string id = "1790000000000-1") {
  Notification n;
  n.kind = kind;
  n.severity = severity;
  n.incidentId = std::move(id);
  n.action = kind == NotificationKind::kRollbackStarted ? "rollback" : "page";
  n.reason = "error rate 7.2% over 5m exceeds 5%";
  n.rules = {{"error_rate_high", 0.072, "error rate 7.2% on green", 0.05}};
  n.statusUrl = "http://127.0.0.1:9464/status";
  n.at = kT0;
  return n;
}

inline boost::json::value parse(const std::string& text) {
  return boost::json::parse(text);
}

inline std::chrono::milliseconds ms(long n) {
  return std::chrono::milliseconds(n);
}

/// A fresh directory under the system temp dir, removed with the object.
class TempDir {
 public:
  explicit TempDir(const std::string& name)
      : path_(std::filesystem::temp_directory_path() /
              ("nova-notify-" + std::to_string(::getpid()) + "-" + name)) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string path() const { return path_.string(); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

/// Waits until `receiver`'s delivery thread waits on the clock for a next attempt still
/// ahead (a retry, a Retry-After or pacing) and returns how long until it, in ms of the
/// clock; -1 after 10 s of real time (a bound on the real exchanges before it, not a
/// pause). Once this returns, advancing the clock by the result makes the attempt. (A wait
/// whose time has come reads 0 until the thread wakes: that one is not "ahead".)
inline DurationMs awaitNextAttempt(const Receiver& receiver, const ManualClock& clock) {
  const auto limit = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < limit) {
    if (const DurationMs next = receiver.stats().nextAttemptInMs; next > 0) {
      return next;
    }
    clock.awaitWaiters(1, kSecond);
  }
  return -1;
}

/// Drives `clock` until nothing is pending in any of the receivers `stats()` describes:
/// whenever a delivery thread waits for an attempt, time moves to the earliest one;
/// otherwise it waits until all `threads` delivery threads are parked on the clock again.
/// False after 20 s of real time (the HTTP exchanges are real).
inline bool drain(const std::function<std::vector<DeliveryStats>()>& stats, std::size_t threads,
                  ManualClock& clock) {
  const auto limit = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < limit) {
    std::uint64_t pending = 0;
    DurationMs next = -1;
    for (const DeliveryStats& s : stats()) {
      pending += s.pending;
      if (s.nextAttemptInMs >= 0) {
        next = next < 0 ? s.nextAttemptInMs : std::min(next, s.nextAttemptInMs);
      }
    }
    if (pending == 0) {
      return true;
    }
    if (next >= 0) {
      clock.advance(std::max<DurationMs>(next, 1));
    } else {
      clock.awaitWaiters(threads, kSecond);
    }
  }
  return false;
}

/// drain() for one receiver.
inline bool drain(const Receiver& receiver, ManualClock& clock) {
  return drain([&] { return std::vector<DeliveryStats>{receiver.stats()}; }, 1, clock);
}

/// Routes spdlog's default logger into a string for the test's lifetime, at debug level.
class LogCapture {
 public:
  LogCapture() : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
    auto logger = std::make_shared<spdlog::logger>("capture", sink);
    logger->set_level(spdlog::level::trace);
    spdlog::set_default_logger(logger);
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }
  std::string text() {
    spdlog::default_logger()->flush();
    return out_.str();
  }

 private:
  std::shared_ptr<spdlog::logger> previous_;
  std::ostringstream out_;
};

}  // namespace nova::notify::test
