#include "nginx_process.h"

#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "nova/http/client.h"

extern char** environ;

namespace nova::testing {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void replaceAll(std::string& text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

// A port the kernel just handed out; nginx cannot report the port it picked itself.
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

NginxProcess::NginxProcess(const std::string& upstream) {
  char pattern[] = "/tmp/nova-nginx-XXXXXX";
  if (::mkdtemp(pattern) == nullptr) {
    throw std::runtime_error("mkdtemp failed");
  }
  prefix_ = pattern;
  // Workers run as nobody when the tests run as root; they only need to pass through.
  fs::permissions(prefix_, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
  std::ofstream(upstreamFile()) << upstream;
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (startOnce()) {
      return;
    }
  }
  const std::string log = errorLog();
  stop();
  fs::remove_all(prefix_);
  throw std::runtime_error("nginx did not start:\n" + log);
}

NginxProcess::~NginxProcess() {
  stop();
  std::error_code ec;
  fs::remove_all(prefix_, ec);
}

bool NginxProcess::startOnce() {
  port_ = freePort();
  std::string conf = slurp(fs::path(NOVA_SOURCE_DIR) / "examples/demo/nginx.conf.in");
  replaceAll(conf, "@PREFIX@", prefix_.string());
  replaceAll(conf, "@PORT@", std::to_string(port_));
  std::ofstream(configFile()) << conf;
  std::vector<std::string> args = {kBinary,
                                   "-p",
                                   prefix_.string() + "/",
                                   "-c",
                                   configFile().string(),
                                   "-e",
                                   (prefix_ / "error.log").string()};
  std::vector<char*> argv;
  for (auto& a : args) {
    argv.push_back(a.data());
  }
  argv.push_back(nullptr);
  if (::posix_spawn(&pid_, kBinary, nullptr, nullptr, argv.data(), environ) != 0) {
    throw std::runtime_error(std::string("cannot start ") + kBinary);
  }
  http::Client client;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      return false;  // exited: most likely the port was taken
    }
    http::Request request;
    request.url = url("/health");
    request.timeout = 500;
    if (client.perform(request).ok()) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

void NginxProcess::stop() {
  if (pid_ <= 0) {
    return;
  }
  ::kill(pid_, SIGQUIT);
  for (int i = 0; i < 300; ++i) {
    if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

std::string NginxProcess::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::string NginxProcess::reloadCommand() const {
  return std::string(kBinary) + " -p " + prefix_.string() + "/ -c " + configFile().string() +
         " -e " + (prefix_ / "error.log").string() + " -s reload";
}

std::string NginxProcess::errorLog() const {
  return slurp(prefix_ / "error.log");
}

}  // namespace nova::testing
