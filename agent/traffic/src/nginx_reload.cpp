#include "nginx_reload.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <thread>

#include "nova/core/files.h"

extern char** environ;

namespace nova::traffic::detail {
namespace {

constexpr std::size_t kOutputKept = 2048;
// A pid file holds a number and a newline.
constexpr std::size_t kMaxPidFileBytes = 4096;

Error errnoError(const std::string& what, int err) {
  const ErrorCode code = err == ESRCH || err == ENOENT   ? ErrorCode::kNotFound
                         : err == EPERM || err == EACCES ? ErrorCode::kRefused
                                                         : ErrorCode::kInternal;
  return Error(code, what + ": " + std::strerror(err));
}

std::string joined(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) {
    out += (out.empty() ? "" : " ") + a;
  }
  return out;
}

Result<std::string> signalMaster(const std::string& pidFile) {
  auto text = readFile(pidFile, kMaxPidFileBytes);
  if (!text.ok()) {
    return text.error().prefixed("nginx pid file: ");
  }
  long pid = 0;
  try {
    pid = std::stol(*text);
  } catch (const std::exception&) {
    pid = 0;
  }
  if (pid <= 1) {
    return Error(ErrorCode::kInvalidInput, "nginx pid file " + pidFile + " holds no pid");
  }
  if (::kill(static_cast<pid_t>(pid), SIGHUP) != 0) {
    return errnoError("SIGHUP to nginx master " + std::to_string(pid) + " (from " + pidFile + ")",
                      errno);
  }
  return "SIGHUP to nginx master " + std::to_string(pid);
}

void drain(int fd, std::string& output) {
  char buffer[512];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n <= 0) {
      return;
    }
    output.append(buffer, static_cast<std::size_t>(n));
    if (output.size() > kOutputKept) {
      output.erase(0, output.size() - kOutputKept);
    }
  }
}

// Waits on `clock` until the child exits or `timeout` passes, then kills it. A helper thread
// blocks in waitpid() (no polling, no timers of its own) and wakes the wait when the child
// is gone, so a ManualClock drives the timeout in tests. The output is collected after the
// exit: a reload command prints a line or two, far below a pipe's capacity.
Result<int> waitForExit(pid_t pid, int fd, DurationMs timeout, const Clock& clock,
                        std::string& output) {
  Wakeup wakeup(clock);
  bool exited = false;
  int status = 0;
  int waitError = 0;
  std::thread reaper([&] {
    int st = 0;
    pid_t done = -1;
    do {
      done = ::waitpid(pid, &st, 0);
    } while (done < 0 && errno == EINTR);
    {
      std::lock_guard lock(wakeup.mutex());
      status = st;
      waitError = done < 0 ? errno : 0;
      exited = true;
    }
    wakeup.notifyAll();
  });
  bool inTime = false;
  {
    std::unique_lock lock(wakeup.mutex());
    inTime = wakeup.waitFor(lock, timeout, [&] { return exited; });
  }
  if (!inTime) {
    ::kill(pid, SIGKILL);  // the reaper then returns
  }
  reaper.join();
  drain(fd, output);
  if (!inTime) {
    return Error(ErrorCode::kTimeout,
                 "still running after " + formatDuration(timeout) + ", killed");
  }
  if (waitError != 0) {
    return errnoError("waitpid", waitError);
  }
  return status;
}

Result<std::string> runCommand(const std::vector<std::string>& command, DurationMs timeout,
                               const Clock& clock) {
  std::vector<char*> argv;
  for (const auto& a : command) {
    argv.push_back(const_cast<char*>(a.c_str()));
  }
  argv.push_back(nullptr);
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return errnoError("pipe", errno);
  }
  // Only our end is non-blocking; the command writes as it would to a terminal.
  ::fcntl(fds[0], F_SETFL, O_NONBLOCK);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
  pid_t pid = -1;
  const int spawned = ::posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  const std::string name = "reload command \"" + joined(command) + "\"";
  if (spawned != 0) {
    ::close(fds[0]);
    return errnoError(name, spawned);
  }
  std::string output;
  auto status = waitForExit(pid, fds[0], timeout, clock, output);
  ::close(fds[0]);
  if (!status.ok()) {
    return status.error().prefixed(name + ": ");
  }
  while (!output.empty() && (output.back() == '\n' || output.back() == ' ')) {
    output.pop_back();
  }
  if (!WIFEXITED(*status) || WEXITSTATUS(*status) != 0) {
    const std::string how = WIFEXITED(*status)
                                ? "exited " + std::to_string(WEXITSTATUS(*status))
                                : "killed by signal " + std::to_string(WTERMSIG(*status));
    // The command ran and said no (a configuration error, nginx not running).
    return Error(ErrorCode::kRefused, name + " " + how + (output.empty() ? "" : ": " + output));
  }
  return "ran " + joined(command);
}

}  // namespace

Result<std::string> reloadNginx(const std::string& pidFile, const std::vector<std::string>& command,
                                DurationMs timeout, const Clock& clock) {
  if (!pidFile.empty()) {
    return signalMaster(pidFile);
  }
  return runCommand(command, timeout, clock);
}

}  // namespace nova::traffic::detail
