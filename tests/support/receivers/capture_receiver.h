#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "nova/core/clock.h"
#include "nova/http/server.h"

namespace nova::testing {

/// One request as the receiver saw it.
struct Captured {
  std::string method;
  std::string path;
  http::Headers headers;
  std::string body;
  /// When it arrived, on the receiver's clock (monotonic): simulated time under ManualClock.
  MonoTime at;

  const std::string* header(std::string_view name) const;
};

/// Decides the answer to a request (the doubles in doubles.h are such functions).
using Responder = std::function<http::ServerResponse(const Captured&)>;

/// An http::Server on 127.0.0.1:<free port> that records every request and answers with
/// scripted responses first (in order), then with the responder. Thread-safe.
class CaptureReceiver {
 public:
  /// Stamps arrivals with `clock` (null: the system clock), which must outlive it.
  static std::unique_ptr<CaptureReceiver> start(Responder responder, const Clock* clock = nullptr);

  /// "http://127.0.0.1:<port><path>".
  std::string url(std::string_view path) const;
  /// Answers the next requests with these, in order, before the responder again.
  void script(std::vector<http::ServerResponse> responses);
  std::vector<Captured> requests() const;
  std::size_t count() const;
  /// Waits until at least `count` requests arrived; false after `timeout` of real time (a
  /// bound on a real socket exchange, not a pause).
  bool waitFor(std::size_t count,
               std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;

  ~CaptureReceiver();

 private:
  CaptureReceiver() = default;
  http::ServerResponse answer(const http::ServerRequest& request);

  Responder responder_;
  SystemClock systemClock_;
  const Clock* clock_ = &systemClock_;
  std::unique_ptr<http::Server> server_;
  mutable std::mutex mutex_;
  mutable std::condition_variable arrived_;
  std::vector<Captured> requests_;
  std::deque<http::ServerResponse> scripted_;
};

/// A listening TCP socket on 127.0.0.1 that never accepts: connections complete in the
/// kernel's backlog and the request then waits forever, as with a hung receiver.
class BlackHole {
 public:
  BlackHole();
  ~BlackHole();
  BlackHole(const BlackHole&) = delete;
  BlackHole& operator=(const BlackHole&) = delete;
  std::string url(std::string_view path) const;

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

/// A loopback port with nothing listening (connections are refused).
std::uint16_t refusedPort();

}  // namespace nova::testing
