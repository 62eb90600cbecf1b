#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "capture_receiver.h"

namespace nova::testing {
namespace {

// Binds a loopback socket to a free port; returns the fd and writes the port.
int bindLoopback(std::uint16_t& port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  port = ntohs(address.sin_port);
  return fd;
}

}  // namespace

BlackHole::BlackHole() {
  fd_ = bindLoopback(port_);
  ::listen(fd_, 64);
}

BlackHole::~BlackHole() {
  ::close(fd_);
}

std::string BlackHole::url(std::string_view path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
}

std::uint16_t refusedPort() {
  std::uint16_t port = 0;
  ::close(bindLoopback(port));
  return port;
}

}  // namespace nova::testing
