// nova-demo: the timing half of scripts/demo.sh. `nova-demo free-port` prints a free
// loopback port (for nginx, which cannot pick its own); `nova-demo load ...` sends client
// traffic through nginx until stopped and counts what clients saw.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "load_run.h"

namespace {

int freePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
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
  return port;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"nova-demo: free ports and client load for scripts/demo.sh"};
  app.require_subcommand(1);
  auto* port = app.add_subcommand("free-port", "print a free 127.0.0.1 port");
  auto* load = app.add_subcommand(
      "load", "load through nginx until SIGTERM; then fault-to-blue and failed requests");
  nova::demo::LoadRunOptions l;
  load->add_option("--url", l.load.url, "URL the clients GET, through nginx")->required();
  load->add_option("--threads", l.load.threads, "client threads")->check(CLI::Range(1, 64));
  load->add_option("--rate", l.load.rate, "requests/s over all clients")
      ->check(CLI::Range(1, 5000));
  load->add_option("--blue-header", l.load.colorHeader, "response header that names blue");
  load->add_option("--blue-value", l.load.blueValue, "its value when blue answered");
  load->add_option("--fault-mark", l.faultMark, "file holding the fault's time (ms), once written");
  CLI11_PARSE(app, argc, argv);
  if (port->parsed()) {
    std::cout << freePort() << "\n";
    return 0;
  }
  return nova::demo::runLoadUntilStopped(l);
}
