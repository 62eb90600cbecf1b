#include "ws_session.h"

#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <memory>

namespace nova::demo {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;

constexpr std::size_t kMaxMessage = 64 << 10;

class WsSession : public WsConnection, public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(net::ip::tcp::socket&& socket, App& app) : ws_(std::move(socket)), app_(app) {}

  ~WsSession() override { leave(); }

  void start(http::request<http::string_body>&& upgrade) {
    // Handshake timeout, idle pings and dropping a silent peer, all as Beast suggests.
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.set_option(websocket::stream_base::decorator([this](websocket::response_type& response) {
      response.set(http::field::server, "nova-demo-service");
      response.set("X-Nova-Version", app_.config.version);
      response.set("X-Nova-Color", app_.config.color);
    }));
    ws_.read_message_max(kMaxMessage);
    ws_.async_accept(upgrade, [self = shared_from_this()](beast::error_code ec) {
      if (!ec) {
        self->id_ = self->app_.wsHub.add(self->weak_from_this());
        self->read();
      }
    });
  }

  void drop() override {
    net::post(ws_.get_executor(), [self = shared_from_this()] {
      if (self->closing_ || !self->ws_.is_open()) {
        return;
      }
      self->closing_ = true;
      self->ws_.async_close(websocket::close_code::going_away, [self](beast::error_code) {});
    });
  }

 private:
  void read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      self->onRead(ec);
    });
  }

  void onRead(beast::error_code ec) {
    if (ec) {
      // Closed by either side, or timed out: the connection is gone for the gauge now.
      leave();
      return;
    }
    if (closing_) {
      // Closing: keep reading only to see the peer's close frame.
      buffer_.consume(buffer_.size());
      read();
      return;
    }
    // Echo, then read the next message: one write at a time by construction.
    ws_.text(ws_.got_text());
    ws_.async_write(buffer_.data(),
                    [self = shared_from_this()](beast::error_code writeEc, std::size_t) {
                      self->buffer_.consume(self->buffer_.size());
                      if (!writeEc) {
                        self->read();
                      }
                    });
  }

  void leave() {
    if (id_ != 0) {
      app_.wsHub.remove(id_);
      id_ = 0;
    }
  }

  websocket::stream<beast::tcp_stream> ws_;
  App& app_;
  beast::flat_buffer buffer_;
  std::uint64_t id_ = 0;
  bool closing_ = false;
};

}  // namespace

void startWebSocket(net::ip::tcp::socket&& socket, http::request<http::string_body>&& upgrade,
                    App& app) {
  std::make_shared<WsSession>(std::move(socket), app)->start(std::move(upgrade));
}

}  // namespace nova::demo
