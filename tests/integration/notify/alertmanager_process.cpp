#include "alertmanager_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "capture_receiver.h"
#include "nova/http/client.h"

namespace nova::testing {
namespace {

constexpr const char* kConfig =
    "route:\n"
    "  receiver: blackhole\n"
    "receivers:\n"
    "  - name: blackhole\n";

}  // namespace

std::string AlertmanagerProcess::binary() {
  const char* env = std::getenv("NOVA_ALERTMANAGER_BIN");
  return env != nullptr ? env : "/usr/bin/prometheus-alertmanager";
}

Result<std::unique_ptr<AlertmanagerProcess>> AlertmanagerProcess::start() {
  std::unique_ptr<AlertmanagerProcess> am(new AlertmanagerProcess());
  char pattern[] = "/tmp/nova-alertmanager-XXXXXX";
  if (::mkdtemp(pattern) == nullptr) {
    return Error{"cannot create a temp directory"};
  }
  am->dir_ = pattern;
  std::ofstream(am->dir_ + "/am.yml") << kConfig;
  std::filesystem::create_directory(am->dir_ + "/data");
  am->port_ = refusedPort();
  std::vector<std::string> args{
      binary(), "--config.file=" + am->dir_ + "/am.yml", "--storage.path=" + am->dir_ + "/data",
      "--web.listen-address=127.0.0.1:" + std::to_string(am->port_), "--cluster.listen-address="};
  const std::string logPath = am->dir_ + "/stderr.log";
  const pid_t pid = ::fork();
  if (pid < 0) {
    return Error{"fork failed"};
  }
  if (pid == 0) {
    const int log = ::open(logPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(log, STDOUT_FILENO);
    ::dup2(log, STDERR_FILENO);
    std::vector<char*> argv;
    for (auto& a : args) {
      argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  am->pid_ = pid;
  http::Client client;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      am->pid_ = -1;
      return Error{"alertmanager exited early: " + am->log()};
    }
    http::Request ready;
    ready.url = am->url() + "/-/ready";
    ready.timeout = 1000;
    if (auto r = client.perform(ready); r.ok() && r->status == 200) {
      return am;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return Error{"alertmanager not ready within 15s: " + am->log()};
}

AlertmanagerProcess::~AlertmanagerProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 50; ++i) {
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::string AlertmanagerProcess::url() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

std::string AlertmanagerProcess::log() const {
  std::ifstream in(dir_ + "/stderr.log");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace nova::testing
