// nova-hostile-peer: the hostile test peer as a process, for trying a scraper by hand.
//   nova-hostile-peer MODE     prints "listening on 127.0.0.1:PORT"; each line on stdin
//                              naming a mode switches to it; SIGINT/SIGTERM stop it.
#include <csignal>
#include <iostream>
#include <string>
#include <thread>

#include "nova/hostile/peer.h"

namespace {

int usage() {
  std::cerr << "usage: nova-hostile-peer MODE\nmodes:";
  for (auto mode : nova::hostile::allModes()) {
    std::cerr << ' ' << nova::hostile::toString(mode);
  }
  std::cerr << '\n';
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  const auto mode = argc == 2 ? nova::hostile::parseMode(argv[1]) : std::nullopt;
  if (!mode) {
    return usage();
  }
  // Block the stop signals before any thread starts, so only sigwait sees them.
  sigset_t stopSignals;
  sigemptyset(&stopSignals);
  sigaddset(&stopSignals, SIGINT);
  sigaddset(&stopSignals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);

  nova::hostile::Peer peer(*mode);
  std::cout << "listening on 127.0.0.1:" << peer.port() << std::endl;
  std::thread([&peer] {
    for (std::string line; std::getline(std::cin, line);) {
      if (auto next = nova::hostile::parseMode(line)) {
        peer.setMode(*next);
        std::cout << "mode " << line << std::endl;
      } else {
        std::cerr << "unknown mode \"" << line << "\"\n";
      }
    }
  }).detach();
  int signal = 0;
  sigwait(&stopSignals, &signal);
  peer.stop();
  return 0;
}
