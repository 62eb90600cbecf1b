#include "child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <thread>

namespace nova::hostile::test {
namespace {

int elapsedMs(std::chrono::steady_clock::time_point since) {
  return static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::steady_clock::now() - since)
                              .count());
}

}  // namespace

ChildProcess::ChildProcess(const std::vector<std::string>& argv, bool captureStdout) {
  int in[2];
  int out[2];
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe2 failed");
  }
  pid_ = fork();
  if (pid_ < 0) {
    throw std::runtime_error("fork failed");
  }
  if (pid_ == 0) {
    dup2(in[0], STDIN_FILENO);
    dup2(captureStdout ? out[1] : STDERR_FILENO, STDOUT_FILENO);
    std::vector<char*> args;
    for (const auto& a : argv) {
      args.push_back(const_cast<char*>(a.c_str()));
    }
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  stdin_ = in[1];
  stdout_ = out[0];
}

ChildProcess::~ChildProcess() {
  if (running()) {
    kill(pid_, SIGKILL);
    waitpid(pid_, &status_, 0);
  }
  close(stdin_);
  close(stdout_);
}

std::string ChildProcess::waitForLine(const std::string& marker, int timeoutMs) {
  const auto start = std::chrono::steady_clock::now();
  for (;;) {
    for (auto nl = buffered_.find('\n'); nl != std::string::npos; nl = buffered_.find('\n')) {
      std::string line = buffered_.substr(0, nl);
      buffered_.erase(0, nl + 1);
      if (line.find(marker) != std::string::npos) {
        return line;
      }
    }
    const int left = timeoutMs - elapsedMs(start);
    pollfd p{stdout_, POLLIN, 0};
    if (left <= 0 || poll(&p, 1, left) <= 0) {
      return "";
    }
    char chunk[4096];
    const ssize_t n = read(stdout_, chunk, sizeof chunk);
    if (n <= 0) {
      return "";
    }
    buffered_.append(chunk, static_cast<std::size_t>(n));
  }
}

void ChildProcess::writeLine(const std::string& line) {
  const std::string data = line + "\n";
  if (write(stdin_, data.data(), data.size()) != static_cast<ssize_t>(data.size())) {
    throw std::runtime_error("writing to the child's stdin failed");
  }
}

bool ChildProcess::running() {
  if (pid_ <= 0 || status_ != -1) {
    return false;
  }
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) {
    status_ = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
    return false;
  }
  return true;
}

int ChildProcess::terminate(int timeoutMs) {
  if (!running()) {
    return status_;
  }
  kill(pid_, SIGTERM);
  const auto start = std::chrono::steady_clock::now();
  while (elapsedMs(start) < timeoutMs) {
    if (!running()) {
      return status_;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  status_ = 128 + SIGKILL;
  return -1;
}

int portFromListeningLine(const std::string& line) {
  const auto marker = line.find("listening on ");
  const auto colon = line.rfind(':');
  if (marker == std::string::npos || colon == std::string::npos || colon < marker) {
    return 0;
  }
  return std::atoi(line.c_str() + colon + 1);
}

}  // namespace nova::hostile::test
