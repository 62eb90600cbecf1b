#pragma once

// A stand-in nginx for the nginx switch's unit tests: an HTTP server that answers with the
// color of the upstream it last "loaded", a reload script that loads the include (as
// nginx's master does on SIGHUP), blue's own /health, and a driver that lets the switch's
// pauses between probes pass on a ManualClock.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "nova/core/files.h"
#include "nova/http/server.h"
#include "nova/traffic/nginx_switch.h"

namespace nova::traffic::test {

namespace fs = std::filesystem;

// The file's text, or "" when it cannot be read.
inline std::string slurp(const fs::path& path) {
  auto text = readFile(path.string(), 1 << 20);
  return text.ok() ? *text : "";
}

inline void writeText(const fs::path& path, const std::string& text) {
  std::ofstream(path) << text;
}

class FakeNginx {
 public:
  // `reloadBody` is the reload script after its first line, which counts reloads.
  explicit FakeNginx(const std::string& reloadBody = "cp \"$1\" \"$2\"\n") {
    char pattern[] = "/tmp/nova-nginx-switch-XXXXXX";
    REQUIRE(::mkdtemp(pattern) != nullptr);
    dir_ = pattern;
    auto blue = http::Server::start({}, [this](const http::ServerRequest&) {
      http::ServerResponse r;
      r.status = blueHealthy_ ? 200 : 503;
      r.contentType = "application/json";
      r.body = blueHealthy_ ? R"({"status":"healthy"})" : R"({"status":"unhealthy"})";
      return r;
    });
    REQUIRE(blue.ok());
    blue_ = std::move(blue).value();
    blueAddress_ = "127.0.0.1:" + std::to_string(blue_->port());
    auto nginx = http::Server::start({}, [this](const http::ServerRequest&) {
      const std::string loaded = slurp(dir_ / "served.conf");
      http::ServerResponse r;
      const std::string color = colorFor(loaded);
      if (!color.empty()) {
        r.headers.emplace_back("X-Nova-Color", color);
      } else {
        r.status = 502;
      }
      {
        std::lock_guard lock(probeMutex_);
        ++probes_;
      }
      probed_.notify_all();
      return r;
    });
    REQUIRE(nginx.ok());
    nginx_ = std::move(nginx).value();
    writeText(dir_ / "reload.sh", "#!/bin/sh\necho reload >> \"$3\"\n" + reloadBody);
    ::chmod((dir_ / "reload.sh").c_str(), 0755);
    setInclude("server " + kGreen + ";\n");
    writeText(dir_ / "served.conf", include());
    writeText(dir_ / "reloads.log", "");
  }
  ~FakeNginx() {
    nginx_->stop();
    blue_->stop();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::map<std::string, std::string> settings() const {
    return {{"upstream_file", (dir_ / "upstream.conf").string()},
            {"blue", blueAddress_},
            {"green", kGreen},
            {"reload_command",
             (dir_ / "reload.sh").string() + " " + (dir_ / "upstream.conf").string() + " " +
                 (dir_ / "served.conf").string() + " " + (dir_ / "reloads.log").string()},
            {"verify_url", "http://127.0.0.1:" + std::to_string(nginx_->port()) + "/health"},
            {"verify_timeout", "400ms"}};
  }

  std::string include() const { return slurp(dir_ / "upstream.conf"); }
  void setInclude(const std::string& text) const { writeText(dir_ / "upstream.conf", text); }
  int reloads() const {
    const std::string log = slurp(dir_ / "reloads.log");
    return static_cast<int>(std::count(log.begin(), log.end(), '\n'));
  }
  std::size_t filesInDir() const {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir_), {}));
  }
  const fs::path& dir() const { return dir_; }
  const std::string& blueAddress() const { return blueAddress_; }
  void setBlueHealthy(bool healthy) { blueHealthy_ = healthy; }
  void stopBlue() { blue_->stop(); }

  /// Requests the switch sent through the stand-in nginx so far.
  int probes() const {
    std::lock_guard lock(probeMutex_);
    return probes_;
  }
  /// Waits until more than `seen` probes arrived, at most `realTimeoutMs` of real time.
  void awaitProbeAfter(int seen, DurationMs realTimeoutMs) const {
    std::unique_lock lock(probeMutex_);
    probed_.wait_for(lock, std::chrono::milliseconds(realTimeoutMs),
                     [&] { return probes_ > seen; });
  }

  inline static const std::string kGreen = "127.0.0.1:1";

  /// How many answers through the stand-in came from each color.
  int answered(const std::string& color) const {
    std::lock_guard lock(probeMutex_);
    return color == "blue" ? blueAnswers_ : greenAnswers_;
  }

 private:
  // The color of the next answer for the loaded include: one server alone, or both with
  // `weight=N` shared by a counter as nginx's weighted round robin shares requests.
  std::string colorFor(const std::string& loaded) {
    const auto weightOf = [&](const std::string& address) -> int {
      auto at = loaded.find("server " + address + ";");
      if (at == std::string::npos) {
        at = loaded.find("server " + address + " ");
      }
      if (at == std::string::npos) {
        return 0;
      }
      const auto end = loaded.find(';', at);
      const std::string line = loaded.substr(at, end - at);
      const auto w = line.find("weight=");
      return w == std::string::npos ? 1 : std::stoi(line.substr(w + 7));
    };
    const int blue = weightOf(blueAddress_);
    const int green = weightOf(kGreen);
    if (blue + green == 0) {
      return "";
    }
    std::lock_guard lock(probeMutex_);
    // Spread evenly, as nginx's smooth weighted round robin does: blue's share of the first
    // n + 1 answers rounds down to one more than of the first n.
    const long n = served_++;
    const bool toBlue = (n + 1) * blue / (blue + green) > n * blue / (blue + green);
    ++(toBlue ? blueAnswers_ : greenAnswers_);
    return toBlue ? "blue" : "green";
  }

  long served_ = 0;
  int blueAnswers_ = 0;
  int greenAnswers_ = 0;
  fs::path dir_;
  std::atomic<bool> blueHealthy_{true};
  std::unique_ptr<http::Server> blue_;
  std::unique_ptr<http::Server> nginx_;
  std::string blueAddress_;
  mutable std::mutex probeMutex_;
  mutable std::condition_variable probed_;
  int probes_ = 0;
};

// Lets the switch's pauses between probes pass in simulated time: after each probe the
// stand-in nginx answers, it advances the clock by one pause as soon as the switch sleeps,
// once per probe. A probe that is not followed by a pause (blue seen, or the budget spent)
// leaves its step for the next wait, which can only be the reload command's: one pause of
// 20 ms against a 5 s timeout. The real-time bounds here only pace this helper's checks.
class PauseDriver {
 public:
  PauseDriver(ManualClock& clock, const FakeNginx& nginx)
      : clock_(clock), nginx_(nginx), thread_([this] { run(); }) {}
  ~PauseDriver() {
    stop_ = true;
    thread_.join();
  }

 private:
  static constexpr DurationMs kPause = 20;  // the switch's pause between probes

  void run() {
    int advancedFor = 0;
    while (!stop_) {
      const int seen = nginx_.probes();
      if (seen > advancedFor && clock_.awaitWaiters(1, 20)) {
        clock_.advance(kPause);
        advancedFor = seen;
        continue;
      }
      nginx_.awaitProbeAfter(seen, 20);
    }
  }

  ManualClock& clock_;
  const FakeNginx& nginx_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// A stand-in nginx, the clock the switch waits on and the driver of its pauses.
struct Harness {
  explicit Harness(const std::string& reloadBody = "cp \"$1\" \"$2\"\n") : nginx(reloadBody) {}

  NginxSwitch bare() { return NginxSwitch(*parseNginxSettings(nginx.settings()), clock); }
  /// As makeSwitch builds it: behind the blue guard, which checks blue's /health.
  SwitchPtr guarded() {
    auto made = makeSwitch({"nginx", nginx.settings()}, clock, random);
    REQUIRE(made.ok());
    return std::move(made).value();
  }

  ManualClock clock{1000};
  SequenceRandom random;
  FakeNginx nginx;
  PauseDriver driver{clock, nginx};
};

}  // namespace nova::traffic::test
