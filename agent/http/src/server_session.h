#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdint>
#include <list>
#include <memory>
#include <optional>

#include "nova/http/server.h"

namespace nova::http::detail {

class Session;

/// The open connections of one listener, in accept order. Lives on the server's thread:
/// only that thread touches it, so it needs no lock.
struct SessionRegistry {
  std::list<std::shared_ptr<Session>> sessions;
  ConnectionCounters* counters = nullptr;
  /// Hands out waitingSince() values.
  std::uint64_t waitOrder = 0;

  void add(const std::shared_ptr<Session>& session);
  void remove(const Session* session);
  /// Closes the connection that has waited longest for its request; false when every
  /// connection is busy answering.
  bool evictLongestWaiting();
};

/// One connection: reads a request within the header and body deadlines, answers it, and
/// repeats while the client keeps the connection alive. Runs on the server's one thread.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(boost::asio::ip::tcp::socket socket, const ServerOptions& options, const Handler& handler,
          SessionRegistry& registry);

  void start();
  /// Shuts the connection down and leaves the registry; pending operations end with an
  /// error and drop the last reference. Idempotent.
  void close();
  /// Waiting for a request (idle, or still receiving one) rather than answering one.
  bool waiting() const { return waiting_; }
  /// The order in which connections began to wait for their current request: smaller
  /// waited longer.
  std::uint64_t waitingSince() const { return waitingSince_; }

 private:
  void count(std::atomic<std::uint64_t> ConnectionCounters::*counter);
  void startWaiting();
  void awaitNextRequest();
  void readHeader();
  void onHeader(boost::beast::error_code ec);
  void onBody(boost::beast::error_code ec);
  void answer();
  void write(const ServerResponse& response, bool keepAlive, bool head);
  bool closeOnError(boost::beast::error_code ec);

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  const ServerOptions& options_;
  const Handler& handler_;
  SessionRegistry& registry_;
  bool waiting_ = true;
  bool closed_ = false;
  std::uint64_t waitingSince_ = 0;
};

}  // namespace nova::http::detail
