#include "capture_receiver.h"

#include "nova/core/text.h"

namespace nova::testing {

const std::string* Captured::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (equalsIgnoreCase(key, name)) {
      return &value;
    }
  }
  return nullptr;
}

std::unique_ptr<CaptureReceiver> CaptureReceiver::start(Responder responder, const Clock* clock) {
  std::unique_ptr<CaptureReceiver> receiver(new CaptureReceiver());
  receiver->responder_ = std::move(responder);
  if (clock != nullptr) {
    receiver->clock_ = clock;
  }
  http::ServerOptions options;
  options.maxBodyBytes = 1 << 20;
  auto* self = receiver.get();
  auto server = http::Server::start(
      options, [self](const http::ServerRequest& r) { return self->answer(r); });
  if (!server.ok()) {
    return nullptr;
  }
  receiver->server_ = std::move(*server);
  return receiver;
}

CaptureReceiver::~CaptureReceiver() {
  if (server_) {
    server_->stop();
  }
}

std::string CaptureReceiver::url(std::string_view path) const {
  return "http://127.0.0.1:" + std::to_string(server_->port()) + std::string(path);
}

void CaptureReceiver::script(std::vector<http::ServerResponse> responses) {
  std::lock_guard lock(mutex_);
  scripted_.insert(scripted_.end(), responses.begin(), responses.end());
}

std::vector<Captured> CaptureReceiver::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::size_t CaptureReceiver::count() const {
  std::lock_guard lock(mutex_);
  return requests_.size();
}

bool CaptureReceiver::waitFor(std::size_t count, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return arrived_.wait_for(lock, timeout, [&] { return requests_.size() >= count; });
}

http::ServerResponse CaptureReceiver::answer(const http::ServerRequest& request) {
  Captured captured{request.method, request.path, request.headers, request.body, clock_->monoNow()};
  http::ServerResponse response;
  {
    std::lock_guard lock(mutex_);
    if (!scripted_.empty()) {
      response = scripted_.front();
      scripted_.pop_front();
    } else {
      response = responder_(captured);
    }
    requests_.push_back(std::move(captured));
  }
  arrived_.notify_all();
  return response;
}

}  // namespace nova::testing
