#pragma once

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "nova/notify/random.h"
#include "nova/notify/receiver.h"

namespace nova::notify::test {

/// ManualClock is thread-safe, so the worker thread may read it while the test advances it.
using AtomicClock = ManualClock;

/// Always the same draw, so backoff delays are exact.
class FixedRandom final : public Random {
 public:
  explicit FixedRandom(double u = 0.0) : u_(u) {}
  double uniform() override { return u_; }

 private:
  double u_;
};

inline constexpr TimestampMs kT0 = 1'790'000'000'000;  // 2026-09-21T...

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
