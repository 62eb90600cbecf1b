#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace nova::hostile::test {

/// A child process with a pipe to its stdin and, unless told otherwise, one from its stdout;
/// stderr is inherited.
class ChildProcess {
 public:
  /// Starts `argv[0]` with `argv`. Without `captureStdout` the child writes to this process's
  /// stderr instead, so a chatty child can never block on a pipe nobody reads. Throws
  /// std::runtime_error when fork or exec fails.
  explicit ChildProcess(const std::vector<std::string>& argv, bool captureStdout = true);
  /// Kills the child (SIGKILL) if it still runs, and reaps it.
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  /// Reads stdout lines until one contains `marker`, for at most `timeoutMs`; returns the
  /// line, or "" when stdout closed or time ran out.
  std::string waitForLine(const std::string& marker, int timeoutMs);
  /// Writes `line` and a newline to the child's stdin.
  void writeLine(const std::string& line);
  /// Whether the child is still running (reaps it if it has exited).
  bool running();
  /// Sends SIGTERM and waits up to `timeoutMs`; returns the exit status, 128+signal when
  /// killed by one, or -1 when it did not exit in time (it is then killed).
  int terminate(int timeoutMs);

 private:
  pid_t pid_ = -1;
  int stdin_ = -1;
  int stdout_ = -1;
  int status_ = -1;
  std::string buffered_;
};

/// The port in a "listening on HOST:PORT" line, 0 when there is none.
int portFromListeningLine(const std::string& line);

}  // namespace nova::hostile::test
