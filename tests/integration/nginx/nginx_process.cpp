#include "nginx_process.h"

#include <signal.h>

#include <chrono>
#include <stdexcept>
#include <thread>

#include "nova/core/files.h"
#include "nova/http/client.h"
#include "nova/testing/tools.h"

namespace nova::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kPackage = "Debian's nginx";

std::string readOrEmpty(const std::string& path) {
  auto text = readFile(path, 1 << 20);
  return text.ok() ? *text : std::string();
}

void replaceAll(std::string& text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

}  // namespace

NginxProcess::NginxProcess(const std::string& upstream) {
  requireTool(kBinary, kPackage);
  // Workers run as nobody when the tests run as root; they only need to pass through.
  fs::permissions(dir_.path(),
                  fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
  dir_.write("upstream.conf", upstream);
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (startOnce()) {
      return;
    }
  }
  const std::string log = errorLog();
  stop();
  throw std::runtime_error("nginx did not start:\n" + log);
}

NginxProcess::~NginxProcess() {
  stop();
}

bool NginxProcess::startOnce() {
  // nginx cannot report a port it picked itself: take one the kernel just handed out.
  port_ = freeLoopbackPort();
  std::string conf =
      readOrEmpty((fs::path(NOVA_SOURCE_DIR) / "examples/demo/nginx.conf.in").string());
  if (conf.empty()) {
    throw std::runtime_error("cannot read examples/demo/nginx.conf.in");
  }
  replaceAll(conf, "@PREFIX@", dir_.path());
  replaceAll(conf, "@PORT@", std::to_string(port_));
  dir_.write("nginx.conf", conf);
  child_ = std::make_unique<ChildProcess>(
      ChildOptions{.argv = {kBinary, "-p", dir_.path() + "/", "-c", configFile().string(), "-e",
                            dir_.file("error.log")},
                   .package = kPackage,
                   .captureStdout = false});
  http::Client client;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (!child_->running()) {
      child_.reset();
      return false;  // exited: most likely the port was taken
    }
    http::Request request;
    request.url = url("/health");
    request.timeout = 500;
    if (client.perform(request).ok()) {
      return true;
    }
    // Real time: nginx is a real process starting up.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

void NginxProcess::stop() {
  if (child_) {
    // SIGQUIT: nginx's graceful shutdown; SIGKILL after 3 s.
    child_->stop(3 * kSecond, SIGQUIT);
    child_.reset();
  }
}

std::string NginxProcess::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::string NginxProcess::reloadCommand() const {
  return std::string(kBinary) + " -p " + dir_.path() + "/ -c " + configFile().string() + " -e " +
         dir_.file("error.log") + " -s reload";
}

std::string NginxProcess::errorLog() const {
  return readOrEmpty(dir_.file("error.log"));
}

}  // namespace nova::testing
