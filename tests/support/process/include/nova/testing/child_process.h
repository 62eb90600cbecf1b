#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nova/core/time.h"
#include "nova/testing/log_capture.h"

namespace nova::testing {

/// How to start a child.
struct ChildOptions {
  /// argv[0] is an absolute path or a name on PATH; requireTool() finds it, so a missing
  /// program fails the test with "<name> not found: install <package>".
  std::vector<std::string> argv{};
  /// What to install when argv[0] is missing ("Debian's nginx"); default: argv[0] itself.
  std::string package{};
  /// Read stdout with waitForLine()/waitForPort(); otherwise it goes where stderr goes.
  bool captureStdout = true;
  /// Keep a pipe to stdin for writeLine(); otherwise stdin is /dev/null.
  bool pipeStdin = false;
  /// Where stderr goes (and stdout when not captured); null: this process's stderr. Must
  /// outlive the start.
  const LogCapture* log = nullptr;
  /// "NAME=value" entries added to this process's environment.
  std::vector<std::string> env{};
};

/// One child process of an integration test. Waits are in real time, bounded by the
/// caller's timeouts. The destructor kills (SIGKILL) and reaps a child still running.
/// Not thread-safe.
class ChildProcess {
 public:
  /// Starts the child. Throws std::runtime_error when the program is missing (see
  /// ChildOptions::argv) or cannot be started.
  explicit ChildProcess(ChildOptions options);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }

  /// The next stdout line containing `marker` (lines before it are skipped), waiting up to
  /// `timeout` ms; "" when stdout closed or time ran out.
  std::string waitForLine(std::string_view marker, DurationMs timeout);
  /// The port of the child's "listening on HOST:PORT" line; 0 when none came in time.
  int waitForPort(DurationMs timeout);
  /// Writes `line` and a newline to the child's stdin (ChildOptions::pipeStdin).
  void writeLine(std::string_view line);

  /// Sends `signal` if the child still runs.
  void signal(int signal) const;
  /// Whether the child still runs (reaps it when it has exited).
  bool running();
  /// Waits up to `timeout` ms for the exit: the exit code, or 128 + the signal that ended
  /// it; nullopt when it still runs.
  std::optional<int> waitExit(DurationMs timeout);
  /// Sends `signal`, waits up to `timeout` ms; then SIGKILL. The exit status as from
  /// waitExit(), or -1 when it had to be killed.
  int stop(DurationMs timeout, int signal);

 private:
  pid_t pid_ = -1;
  int stdin_ = -1;
  int stdout_ = -1;
  std::optional<int> status_;
  std::string buffered_;
};

/// The port in a "listening on HOST:PORT" line; 0 when there is none.
int portFromListeningLine(std::string_view line);

/// What a program printed (stdout and stderr together) and how it ended.
struct RunResult {
  /// The exit code, 128 + signal, or -1 when it was killed at the timeout.
  int status = -1;
  std::string output;
};

/// Runs a program to completion, at most `timeout` ms (killed then). argv[0] as for
/// ChildProcess: a missing program throws "<name> not found: install <package>".
RunResult run(const std::vector<std::string>& argv, DurationMs timeout, std::string_view package,
              const std::vector<std::string>& env = {});

}  // namespace nova::testing
