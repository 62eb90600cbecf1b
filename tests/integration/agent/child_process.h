#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace nova::testing {

/// A child process for integration tests: stdout is read until its "listening on HOST:PORT"
/// line, stderr goes to a log file the test can read. Killed (SIGKILL) on destruction if
/// still running.
class ChildProcess {
 public:
  ChildProcess(const std::string& binary, const std::vector<std::string>& args,
               const std::string& logFile);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  /// The port of the "listening on HOST:PORT" line, waiting up to `timeout`; 0 if none.
  int waitForPort(std::chrono::milliseconds timeout);
  void signal(int sig) const;
  /// Waits up to `timeout` for the exit; the exit status (as from waitpid) or nullopt.
  std::optional<int> waitExit(std::chrono::milliseconds timeout);
  /// Everything written to stderr so far.
  std::string log() const;

 private:
  pid_t pid_ = -1;
  int stdoutFd_ = -1;
  std::string logFile_;
  std::string stdoutBuffer_;
  bool exited_ = false;
};

}  // namespace nova::testing
