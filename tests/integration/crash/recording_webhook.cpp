#include "recording_webhook.h"

#include <sys/socket.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <stdexcept>

namespace nova::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

struct RecordingWebhook::Sockets {
  asio::io_context io;
  tcp::acceptor acceptor{io};
};

namespace {

std::string field(const boost::json::object& o, std::string_view name) {
  const auto* v = o.if_contains(name);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

// Answers the requests of one keep-alive connection until the peer or the receiver closes.
template <typename Answer>
void serveConnection(tcp::socket& socket, Answer answer) {
  beast::flat_buffer buffer;
  while (true) {
    beast::http::request<beast::http::string_body> request;
    boost::system::error_code readError;
    beast::http::read(socket, buffer, request, readError);
    if (readError) {
      return;
    }
    beast::http::response<beast::http::string_body> response;
    response.version(request.version());
    response.keep_alive(request.keep_alive());
    response.result(static_cast<unsigned>(answer(request.body())));
    response.prepare_payload();
    boost::system::error_code writeError;
    beast::http::write(socket, response, writeError);
    if (writeError || !request.keep_alive()) {
      return;
    }
  }
}

}  // namespace

RecordingWebhook::RecordingWebhook() : sockets_(std::make_unique<Sockets>()) {
  auto& acceptor = sockets_->acceptor;
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  acceptor.open(endpoint.protocol());
  acceptor.set_option(tcp::acceptor::reuse_address(true));
  acceptor.bind(endpoint);
  acceptor.listen();
  port_ = acceptor.local_endpoint().port();
  acceptor_ = std::thread([this] { acceptLoop(); });
}

RecordingWebhook::~RecordingWebhook() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    for (int fd : openFds_) {
      ::shutdown(fd, SHUT_RDWR);  // ends reads blocked on keep-alive connections
    }
  }
  stopped_.notify_all();                                      // ends answers held back
  ::shutdown(sockets_->acceptor.native_handle(), SHUT_RDWR);  // ends the blocked accept
  acceptor_.join();
  for (auto& connection : connections_) {
    connection.join();
  }
}

std::string RecordingWebhook::url() const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/hook";
}

void RecordingWebhook::setMode(Mode mode) {
  std::lock_guard lock(mutex_);
  mode_ = mode;
}

void RecordingWebhook::slowKind(std::string kind, DurationMs delay) {
  std::lock_guard lock(mutex_);
  slowKind_ = std::move(kind);
  slowDelay_ = delay;
}

void RecordingWebhook::acceptLoop() {
  while (true) {
    boost::system::error_code ec;
    tcp::socket socket = sockets_->acceptor.accept(ec);
    std::lock_guard lock(mutex_);
    if (stopping_) {
      return;
    }
    if (ec) {
      continue;
    }
    openFds_.push_back(socket.native_handle());
    connections_.emplace_back([this, socket = std::move(socket)]() mutable {
      serveConnection(socket, [this](const std::string& body) { return answer(body); });
      // Forgotten before the socket closes, so its number is never shut down once reused.
      std::lock_guard forget(mutex_);
      openFds_.erase(std::find(openFds_.begin(), openFds_.end(), socket.native_handle()));
    });
  }
}

int RecordingWebhook::answer(const std::string& body) {
  WebhookDelivery delivery;
  boost::system::error_code ec;
  const boost::json::value event = boost::json::parse(body, ec);
  if (!ec && event.is_object()) {
    const auto& o = event.as_object();
    delivery = {field(o, "kind"), field(o, "severity"), field(o, "incident_id"), field(o, "action"),
                0};
  }
  std::unique_lock lock(mutex_);
  const std::size_t index = deliveries_.size();
  deliveries_.push_back(delivery);
  int status = mode_ == Mode::kFail ? 500 : 200;
  if (mode_ == Mode::kSlow && delivery.kind == slowKind_) {
    stopped_.wait_for(lock, std::chrono::milliseconds(slowDelay_), [this] { return stopping_; });
  }
  deliveries_[index].answered = status;
  return status;
}

std::vector<WebhookDelivery> RecordingWebhook::deliveries() const {
  std::lock_guard lock(mutex_);
  return deliveries_;
}

int RecordingWebhook::accepted(const std::string& kind) const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(std::count_if(deliveries_.begin(), deliveries_.end(), [&](auto& d) {
    return d.kind == kind && d.answered >= 200 && d.answered < 300;
  }));
}

int RecordingWebhook::arrived(const std::string& kind) const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(std::count_if(deliveries_.begin(), deliveries_.end(),
                                        [&](auto& d) { return d.kind == kind; }));
}

bool RecordingWebhook::holding(const std::string& kind) const {
  std::lock_guard lock(mutex_);
  return std::any_of(deliveries_.begin(), deliveries_.end(),
                     [&](auto& d) { return d.kind == kind && d.answered == 0; });
}

std::set<std::string> RecordingWebhook::incidentIds() const {
  std::lock_guard lock(mutex_);
  std::set<std::string> ids;
  for (const auto& d : deliveries_) {
    ids.insert(d.incidentId);
  }
  return ids;
}

}  // namespace nova::testing
