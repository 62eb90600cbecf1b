#include "child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

namespace nova::testing {

ChildProcess::ChildProcess(const std::string& binary, const std::vector<std::string>& args,
                           const std::string& logFile)
    : logFile_(logFile) {
  int out[2];
  if (pipe(out) != 0) {
    return;
  }
  pid_ = fork();
  if (pid_ == 0) {
    dup2(out[1], STDOUT_FILENO);
    int log = open(logFile.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(log, STDERR_FILENO);
    close(out[0]);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(binary.c_str()));
    for (const auto& a : args) {
      argv.push_back(const_cast<char*>(a.c_str()));
    }
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  close(out[1]);
  stdoutFd_ = out[0];
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && !exited_) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (stdoutFd_ >= 0) {
    close(stdoutFd_);
  }
}

int ChildProcess::waitForPort(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto line = stdoutBuffer_.find("listening on ");
    auto end = stdoutBuffer_.find('\n', line == std::string::npos ? 0 : line);
    if (line != std::string::npos && end != std::string::npos) {
      std::string address = stdoutBuffer_.substr(line + 13, end - line - 13);
      return std::stoi(address.substr(address.rfind(':') + 1));
    }
    pollfd p{stdoutFd_, POLLIN, 0};
    if (poll(&p, 1, 100) > 0) {
      char buffer[512];
      ssize_t n = read(stdoutFd_, buffer, sizeof buffer);
      if (n <= 0) {
        return 0;
      }
      stdoutBuffer_.append(buffer, static_cast<std::size_t>(n));
    }
  }
  return 0;
}

void ChildProcess::signal(int sig) const {
  if (pid_ > 0) {
    kill(pid_, sig);
  }
}

std::optional<int> ChildProcess::waitExit(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      exited_ = true;
      return status;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return std::nullopt;
}

std::string ChildProcess::log() const {
  std::ifstream in(logFile_);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace nova::testing
