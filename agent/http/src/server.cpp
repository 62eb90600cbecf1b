#include "nova/http/server.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <thread>

#include "header_lookup.h"
#include "server_session.h"

namespace nova::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

// A taken port is held by someone else (kConflict); a privileged one is refused.
ErrorCode listenErrorCode(const boost::system::error_code& ec) {
  if (ec == boost::asio::error::address_in_use) {
    return ErrorCode::kConflict;
  }
  if (ec == boost::asio::error::access_denied) {
    return ErrorCode::kRefused;
  }
  if (ec == boost::system::errc::address_not_available) {
    return ErrorCode::kInvalidInput;
  }
  return ErrorCode::kInternal;
}

}  // namespace

const std::string* ServerRequest::header(std::string_view name) const {
  return detail::findHeader(headers, name);
}

struct Server::Impl {
  ServerOptions options;
  Handler handler;
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  // Touched only by the server's thread while it runs, and by stop() after it has joined.
  detail::SessionRegistry registry;
  std::thread thread;
  std::uint16_t port = 0;
  bool stopped = false;

  // At the cap, the connection that has waited longest for a request makes room; only a
  // listener whose every connection is answering refuses the newcomer.
  void accept() {
    acceptor.async_accept(io, [this](beast::error_code ec, tcp::socket socket) {
      if (!ec) {
        if (registry.sessions.size() >= options.maxConnections && !registry.evictLongestWaiting()) {
          if (options.counters != nullptr) {
            ++options.counters->refused;
          }
          beast::error_code ignored;
          socket.close(ignored);
        } else {
          auto session =
              std::make_shared<detail::Session>(std::move(socket), options, handler, registry);
          registry.add(session);
          session->start();
        }
      }
      if (acceptor.is_open()) {
        accept();
      }
    });
  }
};

Result<std::unique_ptr<Server>> Server::start(const ServerOptions& options, Handler handler) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->handler = std::move(handler);
  impl->registry.counters = options.counters;
  const std::string where = options.address + ":" + std::to_string(options.port);
  beast::error_code ec;
  const auto address = asio::ip::make_address(options.address, ec);
  if (ec) {
    return Error(ErrorCode::kInvalidInput, "cannot listen on " + where + ": invalid address");
  }
  const tcp::endpoint endpoint(address, options.port);
  auto& acceptor = impl->acceptor;
  if (acceptor.open(endpoint.protocol(), ec); !ec) {
    acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  }
  if (!ec) {
    acceptor.bind(endpoint, ec);
  }
  if (!ec) {
    acceptor.listen(asio::socket_base::max_listen_connections, ec);
  }
  if (ec) {
    return Error(listenErrorCode(ec), "cannot listen on " + where + ": " + ec.message());
  }
  impl->port = acceptor.local_endpoint().port();
  impl->accept();
  impl->thread = std::thread([io = &impl->io] { io->run(); });
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() {
  stop();
}

std::uint16_t Server::port() const {
  return impl_->port;
}

void Server::stop() {
  if (impl_->stopped) {
    return;
  }
  impl_->stopped = true;
  impl_->io.stop();
  if (impl_->thread.joinable()) {
    impl_->thread.join();
  }
  // The loop has stopped, so this thread may close the listening socket: the port is free
  // as soon as stop() returns.
  beast::error_code ignored;
  impl_->acceptor.close(ignored);
  const auto open = impl_->registry.sessions;
  for (const auto& session : open) {
    session->close();
  }
}

}  // namespace nova::http
