#include "nova/testing/tools.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>

namespace nova::testing {

std::string requireTool(std::string_view name, std::string_view package) {
  const std::string wanted(name);
  if (wanted.find('/') != std::string::npos) {
    if (::access(wanted.c_str(), X_OK) == 0) {
      return wanted;
    }
  } else if (const char* path = std::getenv("PATH")) {
    std::string_view dirs(path);
    while (!dirs.empty()) {
      const std::size_t colon = dirs.find(':');
      const std::string candidate = std::string(dirs.substr(0, colon)) + "/" + wanted;
      if (::access(candidate.c_str(), X_OK) == 0) {
        return candidate;
      }
      dirs = colon == std::string_view::npos ? std::string_view() : dirs.substr(colon + 1);
    }
  }
  throw std::runtime_error(wanted + " not found: install " + std::string(package));
}

int freeLoopbackPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) {
    throw std::runtime_error("socket() failed");
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  if (port == 0) {
    throw std::runtime_error("no free loopback port");
  }
  return port;
}

}  // namespace nova::testing
