// fake-kube-apiserver: the fake API server as a process, for kubectl and shell tests.
// Usage: fake-kube-apiserver [--port N] [--token T]... [--seed FILE]... [--ready-delay-ms N]
//                            [--forbid VERB:RESOURCE]... [--tls-cert PEM --tls-key PEM]
// Prints "listening on http://127.0.0.1:PORT" once ready; stops on SIGINT or SIGTERM.
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>

#include "nova/core/files.h"
#include "nova/fake_kube/fake_kube.h"

namespace {

int usage(const std::string& why) {
  std::cerr << "fake-kube-apiserver: " << why
            << "\nusage: fake-kube-apiserver [--port N] [--token T]... [--seed FILE]... "
               "[--ready-delay-ms N] [--forbid VERB:RESOURCE]... [--tls-cert PEM --tls-key PEM]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  nova::fake_kube::Options options;
  std::vector<std::string> seeds;
  std::vector<std::pair<std::string, std::string>> forbidden;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (i + 1 >= argc) {
      return usage("missing value after " + flag);
    }
    std::string value = argv[++i];
    if (flag == "--port") {
      options.port = static_cast<std::uint16_t>(std::stoi(value));
    } else if (flag == "--address") {
      options.address = value;
    } else if (flag == "--token") {
      options.tokens.push_back(value);
    } else if (flag == "--tls-cert") {
      options.tlsCertFile = value;
    } else if (flag == "--tls-key") {
      options.tlsKeyFile = value;
    } else if (flag == "--seed") {
      seeds.push_back(value);
    } else if (flag == "--ready-delay-ms") {
      options.readyDelay = std::stoll(value);
    } else if (flag == "--forbid" && value.find(':') != std::string::npos) {
      forbidden.emplace_back(value.substr(0, value.find(':')), value.substr(value.find(':') + 1));
    } else {
      return usage("unknown flag " + flag);
    }
  }
  // Block the stop signals before any thread starts, then wait for one below.
  sigset_t stopSignals;
  sigemptyset(&stopSignals);
  sigaddset(&stopSignals, SIGINT);
  sigaddset(&stopSignals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);

  auto server = nova::fake_kube::FakeKube::start(options);
  if (!server.ok()) {
    std::cerr << server.error().message << "\n";
    return 1;
  }
  for (const auto& path : seeds) {
    auto text = nova::readFile(path, 64 << 20);
    if (!text.ok()) {
      std::cerr << "fake-kube-apiserver: " << text.error().message << "\n";
      return 1;
    }
    if (auto seeded = (*server)->seed(*text); !seeded.ok()) {
      std::cerr << path << ": " << seeded.error().message << "\n";
      return 1;
    }
  }
  for (auto& [verb, resource] : forbidden) {
    (*server)->forbid(verb, resource);
  }
  std::cout << "listening on " << (*server)->url() << std::endl;
  int signal = 0;
  sigwait(&stopSignals, &signal);
  (*server)->stop();
  return 0;
}
