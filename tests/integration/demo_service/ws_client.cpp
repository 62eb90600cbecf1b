#include "ws_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>

namespace nova::demo::test {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace net = boost::asio;

struct WsClient::Impl {
  net::io_context ioc;
  websocket::stream<net::ip::tcp::socket> ws{ioc};
  beast::flat_buffer buffer;
  bool reading = false;
  bool closed = false;
};

WsClient::WsClient(std::uint16_t port) : impl_(std::make_unique<Impl>()) {
  net::ip::tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), port);
  impl_->ws.next_layer().connect(endpoint);
  impl_->ws.handshake("127.0.0.1:" + std::to_string(port), "/ws");
}

WsClient::~WsClient() {
  beast::error_code ignored;
  impl_->ws.next_layer().close(ignored);
}

std::string WsClient::echo(const std::string& text) {
  impl_->ws.text(true);
  impl_->ws.write(net::buffer(text));
  beast::flat_buffer reply;
  impl_->ws.read(reply);
  return beast::buffers_to_string(reply.data());
}

bool WsClient::waitClosed(int timeoutMs) {
  if (!impl_->reading) {
    impl_->reading = true;
    impl_->ws.async_read(impl_->buffer, [this](beast::error_code ec, std::size_t) {
      // Any message is unexpected here; an error means the server closed the connection.
      impl_->closed = static_cast<bool>(ec);
    });
  }
  impl_->ioc.restart();
  impl_->ioc.run_for(std::chrono::milliseconds(timeoutMs));
  return impl_->closed;
}

void WsClient::close() {
  beast::error_code ignored;
  impl_->ws.close(websocket::close_code::normal, ignored);
}

}  // namespace nova::demo::test
