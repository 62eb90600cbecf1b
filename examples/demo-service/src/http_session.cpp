#include "http_session.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <chrono>
#include <memory>
#include <optional>

#include "router.h"
#include "ws_session.h"

namespace nova::demo {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using Clock = std::chrono::steady_clock;

constexpr auto kIdleTimeout = std::chrono::seconds(30);
constexpr std::uint64_t kBodyLimit = 1 << 20;
constexpr std::uint32_t kHeaderLimit = 16 << 10;

std::string_view view(beast::string_view text) {
  return {text.data(), text.size()};
}

std::string_view withoutQuery(beast::string_view target) {
  return view(target).substr(0, view(target).find('?'));
}

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(net::ip::tcp::socket&& socket, App& app)
      : stream_(std::move(socket)), delay_(stream_.get_executor()), app_(app) {}

  void start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(); });
  }

 private:
  void read() {
    parser_.emplace();
    parser_->body_limit(kBodyLimit);
    parser_->header_limit(kHeaderLimit);
    stream_.expires_after(kIdleTimeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->onRead(ec); });
  }

  void onRead(beast::error_code ec) {
    if (ec == http::error::body_limit || ec == http::error::header_limit) {
      keepAlive_ = false;
      version_ = 11;
      method_.clear();
      answer(errorResponse(413, "request too large"));
      return;
    }
    if (ec) {
      // end_of_stream, timeout, reset: nothing more to answer.
      shutdown();
      return;
    }
    http::request<http::string_body> request = parser_->release();
    const std::string_view path = withoutQuery(request.target());
    if (path == "/ws" && beast::websocket::is_upgrade(request)) {
      stream_.expires_never();
      startWebSocket(stream_.release_socket(), std::move(request), app_);
      return;
    }
    started_ = Clock::now();
    method_ = std::string(view(request.method_string()));
    keepAlive_ = request.keep_alive();
    version_ = request.version();
    const auto authorization = request.find(http::field::authorization);
    const RouteRequest routed{
        view(request.method_string()), path,
        authorization != request.end() ? view(authorization->value()) : std::string_view(),
        request.body()};
    RouteResponse response = route(app_, routed);
    if (response.delay.count() > 0) {
      // Injected latency waits on a timer, never a sleep: other connections go on.
      pending_ = std::move(response);
      delay_.expires_after(pending_.delay);
      delay_.async_wait([self = shared_from_this()](beast::error_code waitEc) {
        if (!waitEc) {
          self->answer(std::move(self->pending_));
        }
      });
      return;
    }
    answer(std::move(response));
  }

  void answer(RouteResponse routed) {
    if (!routed.route.empty() && !method_.empty()) {
      const std::chrono::duration<double> took = Clock::now() - started_;
      app_.metrics.observeRequest(method_, routed.route, routed.status, took.count());
    }
    response_ = {};
    response_.version(version_);
    response_.result(static_cast<unsigned>(routed.status));
    response_.set(http::field::server, "nova-demo-service");
    response_.set("X-Nova-Version", app_.config.version);
    response_.set("X-Nova-Color", app_.config.color);
    if (routed.status != 204) {
      response_.set(http::field::content_type, routed.contentType);
      response_.body() = std::move(routed.body);
    }
    for (auto& [name, value] : routed.headers) {
      response_.set(name, value);
    }
    response_.keep_alive(keepAlive_);
    response_.prepare_payload();
    stream_.expires_after(kIdleTimeout);
    http::async_write(
        stream_, response_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->onWrite(ec); });
  }

  void onWrite(beast::error_code ec) {
    if (ec) {
      return;
    }
    if (!keepAlive_) {
      shutdown();
      return;
    }
    read();
  }

  void shutdown() {
    beast::error_code ignored;
    stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
  }

  beast::tcp_stream stream_;
  net::steady_timer delay_;
  App& app_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  RouteResponse pending_;
  std::string method_;
  Clock::time_point started_{};
  unsigned version_ = 11;
  bool keepAlive_ = true;
};

}  // namespace

void startHttpSession(net::ip::tcp::socket&& socket, App& app) {
  std::make_shared<HttpSession>(std::move(socket), app)->start();
}

}  // namespace nova::demo
