#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "nova/core/time.h"

namespace nova::testing {

/// One notification as the receiver saw it (the generic webhook's event JSON).
struct WebhookDelivery {
  std::string kind;
  std::string severity;
  /// The dedup key the agent gives every update of an incident.
  std::string incidentId;
  std::string action;
  /// The status the receiver answered; 0 while the answer is still being held back.
  int answered = 0;
};

/// A webhook receiver on 127.0.0.1:<free port> that records every POST and can fail
/// (500) or hold its answer back on demand, as a paging service on a bad day. Unlike the
/// single-threaded http::Server, each connection has a thread of its own, so an answer
/// held back never delays the test's questions. Thread-safe.
class RecordingWebhook {
 public:
  enum class Mode {
    kAccept,  ///< 200 at once.
    kFail,    ///< 500 at once.
    kSlow,    ///< 200 after the delay, for the kind set with slowKind() (others at once).
  };

  RecordingWebhook();
  ~RecordingWebhook();
  RecordingWebhook(const RecordingWebhook&) = delete;
  RecordingWebhook& operator=(const RecordingWebhook&) = delete;

  /// "http://127.0.0.1:<port>/hook".
  std::string url() const;
  void setMode(Mode mode);
  /// In kSlow, deliveries of `kind` are answered after `delay` ms (real time).
  void slowKind(std::string kind, DurationMs delay);

  /// Every delivery so far, in arrival order.
  std::vector<WebhookDelivery> deliveries() const;
  /// Deliveries of `kind` answered 2xx.
  int accepted(const std::string& kind) const;
  /// Deliveries of `kind` that arrived, whatever the answer.
  int arrived(const std::string& kind) const;
  /// True while a delivery of `kind` waits for its held-back answer.
  bool holding(const std::string& kind) const;
  /// The incident ids (dedup keys) seen.
  std::set<std::string> incidentIds() const;

 private:
  struct Sockets;  // Boost.Asio stays out of this header
  void acceptLoop();
  /// Records the delivery in `body`, holds the answer back when asked to; the status.
  int answer(const std::string& body);

  std::unique_ptr<Sockets> sockets_;
  std::uint16_t port_ = 0;
  std::thread acceptor_;
  mutable std::mutex mutex_;
  std::condition_variable stopped_;
  bool stopping_ = false;
  std::vector<std::thread> connections_;
  /// Native handles of open connections, shut down at destruction to end blocked reads.
  std::vector<int> openFds_;
  std::vector<WebhookDelivery> deliveries_;
  Mode mode_ = Mode::kAccept;
  std::string slowKind_;
  DurationMs slowDelay_ = 0;
};

}  // namespace nova::testing
