// fake-kube-apiserver: the fake API server as a process, for kubectl and shell tests.
// Usage: fake-kube-apiserver [--port N] [--token T]... [--seed FILE]... [--ready-delay-ms N]
//                            [--forbid VERB:RESOURCE]... [--tls-cert PEM --tls-key PEM]
//                            [--request-log FILE]
// Prints "listening on http://127.0.0.1:PORT" once ready; stops on SIGINT or SIGTERM.
// --request-log appends one JSON line per answered write (method, path, status, body), so a
// test in another process can count the patches the server took.
#include <atomic>
#include <boost/json.hpp>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>

#include "nova/core/files.h"
#include "nova/fake_kube/fake_kube.h"

namespace {

int usage(const std::string& why) {
  std::cerr << "fake-kube-apiserver: " << why
            << "\nusage: fake-kube-apiserver [--port N] [--token T]... [--seed FILE]... "
               "[--ready-delay-ms N] [--forbid VERB:RESOURCE]... [--tls-cert PEM --tls-key PEM] "
               "[--request-log FILE]\n";
  return 2;
}

// Appends the server's answered writes to `path` as they happen, until `stop` is set. Wakes
// on each answer (awaitAnswers), so the log trails the answers by no poll interval.
void logWrites(const nova::fake_kube::FakeKube& server, const std::string& path,
               const std::atomic<bool>& stop) {
  std::ofstream out(path, std::ios::app);
  std::size_t logged = 0;
  while (!stop) {
    if (!server.awaitAnswers(logged + 1, "", "", 200)) {
      continue;
    }
    const auto answered = server.requests();
    for (; logged < answered.size(); ++logged) {
      const auto& r = answered[logged];
      if (r.method == "GET") {
        continue;
      }
      out << boost::json::serialize(boost::json::object{
                 {"method", r.method}, {"path", r.path}, {"status", r.status}, {"body", r.body}})
          << std::endl;
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  nova::fake_kube::Options options;
  std::vector<std::string> seeds;
  std::string requestLog;
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
    } else if (flag == "--request-log") {
      requestLog = value;
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
  std::atomic<bool> stopLog{false};
  std::thread writes;
  if (!requestLog.empty()) {
    writes = std::thread([&] { logWrites(**server, requestLog, stopLog); });
  }
  std::cout << "listening on " << (*server)->url() << std::endl;
  int signal = 0;
  sigwait(&stopSignals, &signal);
  stopLog = true;
  if (writes.joinable()) {
    writes.join();
  }
  (*server)->stop();
  return 0;
}
