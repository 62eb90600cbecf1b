#include "connection.h"

#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>

namespace nova::hostile::detail {
namespace {

constexpr int kRequestWaitMs = 3000;
constexpr std::size_t kMaxRequestBytes = 16 * 1024;

std::string pathOf(const std::string& head) {
  const auto firstSpace = head.find(' ');
  if (firstSpace == std::string::npos) {
    return "/";
  }
  const auto secondSpace = head.find(' ', firstSpace + 1);
  std::string path = head.substr(firstSpace + 1, secondSpace - firstSpace - 1);
  return path.empty() || path.front() != '/' ? "/" : path;
}

}  // namespace

Connection::Connection(int fd, Stopper& stopper, std::atomic<std::uint64_t>& bytesSent)
    : fd_(fd), stopper_(stopper), bytesSent_(bytesSent) {
  // Bounds a blocking TLS handshake with a client that never speaks.
  timeval tv{kRequestWaitMs / 1000, 0};
  setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

Connection::~Connection() {
  close();
}

void Connection::close() {
  std::lock_guard lock(fdMutex_);
  if (ssl_ != nullptr) {
    if (fd_ >= 0) {
      SSL_shutdown(ssl_);
    }
    SSL_free(ssl_);
    ssl_ = nullptr;
  }
  if (fd_ >= 0) {
    ::shutdown(fd_, SHUT_WR);
    ::close(fd_);
    fd_ = -1;
  }
}

void Connection::interrupt() {
  std::lock_guard lock(fdMutex_);
  if (fd_ >= 0) {
    ::shutdown(fd_, SHUT_RDWR);
  }
}

bool Connection::acceptTls(SSL_CTX* ctx) {
  ssl_ = SSL_new(ctx);
  if (ssl_ == nullptr || SSL_set_fd(ssl_, fd_) != 1) {
    return false;
  }
  return SSL_accept(ssl_) == 1;
}

std::optional<std::string> Connection::readRequest() {
  std::string head;
  char buffer[4096];
  while (head.find("\r\n\r\n") == std::string::npos && head.size() < kMaxRequestBytes) {
    if (!head.empty() && !std::isalpha(static_cast<unsigned char>(head.front()))) {
      break;
    }
    long n = 0;
    if (ssl_ != nullptr) {
      n = SSL_read(ssl_, buffer, sizeof buffer);
    } else {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, kRequestWaitMs) <= 0) {
        break;
      }
      n = ::recv(fd_, buffer, sizeof buffer, 0);
    }
    if (n <= 0) {
      return head.empty() ? std::nullopt : std::optional<std::string>(pathOf(head));
    }
    head.append(buffer, static_cast<std::size_t>(n));
  }
  return pathOf(head);
}

bool Connection::send(std::string_view data) {
  while (!data.empty()) {
    if (stopper_.stopped()) {
      return false;
    }
    long n = 0;
    if (ssl_ != nullptr) {
      n = SSL_write(ssl_, data.data(), static_cast<int>(data.size()));
    } else {
      n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    }
    if (n <= 0) {
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

bool Connection::sendSlowly(std::string_view data) {
  for (char c : data) {
    if (!send(std::string_view(&c, 1)) || !pause(1000)) {
      return false;
    }
  }
  return true;
}

bool Connection::sendBody(std::string_view data) {
  bytesSent_ += data.size();
  return send(data);
}

void Connection::reset() {
  std::lock_guard lock(fdMutex_);
  linger hard{1, 0};
  setsockopt(fd_, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
  ::close(fd_);
  fd_ = -1;
}

}  // namespace nova::hostile::detail
