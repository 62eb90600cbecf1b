#include "nova/http/server.h"

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>
#include <thread>

#include "header_lookup.h"

namespace nova::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

constexpr std::size_t kMaxHeaderBytes = 16 * 1024;

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

ServerRequest toServerRequest(const bhttp::request<bhttp::string_body>& request) {
  ServerRequest out;
  out.method = std::string(request.method_string());
  const std::string_view target = request.target();
  const auto question = target.find('?');
  out.path = std::string(target.substr(0, question));
  if (question != std::string_view::npos) {
    out.query = std::string(target.substr(question + 1));
  }
  for (const auto& field : request) {
    out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  out.body = request.body();
  return out;
}

// One connection: read a request within the read timeout, answer it, repeat while the
// client keeps the connection alive and sends within the idle timeout.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const ServerOptions& options, const Handler& handler,
          std::atomic<std::size_t>& connections)
      : stream_(std::move(socket)),
        options_(options),
        handler_(handler),
        connections_(connections) {
    ++connections_;
  }
  ~Session() { --connections_; }

  void start() { readRequest(options_.readTimeout); }

 private:
  void readRequest(DurationMs timeout) {
    parser_.emplace();
    parser_->body_limit(options_.maxBodyBytes);
    parser_->header_limit(kMaxHeaderBytes);
    stream_.expires_after(std::chrono::milliseconds(timeout));
    bhttp::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->onRead(ec); });
  }

  void onRead(beast::error_code ec) {
    if (ec == bhttp::error::body_limit) {
      ServerResponse tooLarge{413, "text/plain; charset=utf-8", {}, "request body too large\n"};
      return write(tooLarge, false, false);
    }
    if (ec) {
      return close();  // timeout, reset, end of stream, malformed request
    }
    const auto& request = parser_->get();
    ServerResponse response;
    try {
      response = handler_(toServerRequest(request));
    } catch (const std::exception&) {
      response = ServerResponse{500, "text/plain; charset=utf-8", {}, "internal error\n"};
    }
    write(response, request.keep_alive(), request.method() == bhttp::verb::head);
  }

  // A HEAD answer carries the GET answer's headers, Content-Length included, and no body
  // (RFC 9110 9.3.2): a body after it would be read as the next response on keep-alive.
  void write(const ServerResponse& response, bool keepAlive, bool head) {
    auto message = std::make_shared<bhttp::response<bhttp::string_body>>(
        static_cast<bhttp::status>(response.status), 11);
    message->set(bhttp::field::server, "nova");
    message->set(bhttp::field::content_type, response.contentType);
    for (const auto& [name, value] : response.headers) {
      message->set(name, value);
    }
    message->keep_alive(keepAlive);
    if (head) {
      message->content_length(response.body.size());
    } else {
      message->body() = response.body;
      message->prepare_payload();
    }
    stream_.expires_after(std::chrono::milliseconds(options_.readTimeout));
    bhttp::async_write(stream_, *message,
                       [self = shared_from_this(), message](beast::error_code ec, std::size_t) {
                         if (ec || !message->keep_alive()) {
                           return self->close();
                         }
                         self->readRequest(self->options_.idleTimeout);
                       });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  const ServerOptions& options_;
  const Handler& handler_;
  std::atomic<std::size_t>& connections_;
};

}  // namespace

const std::string* ServerRequest::header(std::string_view name) const {
  return detail::findHeader(headers, name);
}

struct Server::Impl {
  ServerOptions options;
  Handler handler;
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  std::atomic<std::size_t> connections{0};
  std::thread thread;
  std::uint16_t port = 0;
  bool stopped = false;

  void accept() {
    acceptor.async_accept(asio::make_strand(io), [this](beast::error_code ec, tcp::socket socket) {
      if (!ec) {
        if (connections.load() >= options.maxConnections) {
          beast::error_code ignored;
          socket.close(ignored);
        } else {
          std::make_shared<Session>(std::move(socket), options, handler, connections)->start();
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
}

}  // namespace nova::http
