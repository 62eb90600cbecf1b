#include "nova/testing/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <thread>

#include "spawner.h"

namespace nova::testing {
namespace {

using Steady = std::chrono::steady_clock;

DurationMs leftUntil(Steady::time_point deadline) {
  return std::max<DurationMs>(
      0, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Steady::now()).count());
}

int decode(int status) {
  return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

}  // namespace

ChildProcess::ChildProcess(ChildOptions options) {
  const detail::Spawned spawned = detail::spawn(options, /*mergeStderr=*/false);
  pid_ = spawned.pid;
  stdin_ = spawned.stdinFd;
  stdout_ = spawned.stdoutFd;
}

ChildProcess::~ChildProcess() {
  if (running()) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  if (stdin_ >= 0) {
    ::close(stdin_);
  }
  if (stdout_ >= 0) {
    ::close(stdout_);
  }
}

std::string ChildProcess::waitForLine(std::string_view marker, DurationMs timeout) {
  const auto deadline = Steady::now() + std::chrono::milliseconds(timeout);
  for (;;) {
    for (auto nl = buffered_.find('\n'); nl != std::string::npos; nl = buffered_.find('\n')) {
      std::string line = buffered_.substr(0, nl);
      buffered_.erase(0, nl + 1);
      if (line.find(marker) != std::string::npos) {
        return line;
      }
    }
    pollfd p{stdout_, POLLIN, 0};
    const DurationMs left = leftUntil(deadline);
    if (stdout_ < 0 || left <= 0 || ::poll(&p, 1, static_cast<int>(left)) <= 0) {
      return "";
    }
    char chunk[4096];
    const ssize_t n = ::read(stdout_, chunk, sizeof chunk);
    if (n <= 0) {
      return "";
    }
    buffered_.append(chunk, static_cast<std::size_t>(n));
  }
}

int ChildProcess::waitForPort(DurationMs timeout) {
  return portFromListeningLine(waitForLine("listening on ", timeout));
}

void ChildProcess::writeLine(std::string_view line) {
  const std::string data = std::string(line) + "\n";
  if (stdin_ < 0 ||
      ::write(stdin_, data.data(), data.size()) != static_cast<ssize_t>(data.size())) {
    throw std::runtime_error("writing to the child's stdin failed");
  }
}

void ChildProcess::signal(int signal) const {
  if (pid_ > 0 && !status_) {
    ::kill(pid_, signal);
  }
}

bool ChildProcess::running() {
  if (pid_ <= 0 || status_) {
    return false;
  }
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    status_ = decode(status);
    return false;
  }
  return true;
}

std::optional<int> ChildProcess::waitExit(DurationMs timeout) {
  const auto deadline = Steady::now() + std::chrono::milliseconds(timeout);
  while (running()) {
    if (leftUntil(deadline) <= 0) {
      return std::nullopt;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return status_;
}

int ChildProcess::stop(DurationMs timeout, int signal) {
  this->signal(signal);
  if (auto status = waitExit(timeout)) {
    return *status;
  }
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  status_ = decode(status);
  return -1;
}

int portFromListeningLine(std::string_view line) {
  const auto marker = line.find("listening on ");
  const auto colon = line.rfind(':');
  if (marker == std::string_view::npos || colon == std::string_view::npos || colon < marker) {
    return 0;
  }
  return std::atoi(std::string(line.substr(colon + 1)).c_str());
}

RunResult run(const std::vector<std::string>& argv, DurationMs timeout, std::string_view package,
              const std::vector<std::string>& env) {
  ChildOptions options{argv, std::string(package), true, false, nullptr, env};
  const detail::Spawned spawned = detail::spawn(options, /*mergeStderr=*/true);
  const auto deadline = Steady::now() + std::chrono::milliseconds(timeout);
  RunResult result;
  for (;;) {
    pollfd p{spawned.stdoutFd, POLLIN, 0};
    const DurationMs left = leftUntil(deadline);
    if (left <= 0 || ::poll(&p, 1, static_cast<int>(left)) <= 0) {
      ::kill(spawned.pid, SIGKILL);
      ::waitpid(spawned.pid, nullptr, 0);
      ::close(spawned.stdoutFd);
      return result;  // status -1: killed at the timeout
    }
    char chunk[4096];
    const ssize_t n = ::read(spawned.stdoutFd, chunk, sizeof chunk);
    if (n <= 0) {
      break;
    }
    result.output.append(chunk, static_cast<std::size_t>(n));
  }
  ::close(spawned.stdoutFd);
  int status = 0;
  ::waitpid(spawned.pid, &status, 0);
  result.status = decode(status);
  return result;
}

}  // namespace nova::testing
