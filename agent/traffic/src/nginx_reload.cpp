#include "nginx_reload.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>

#include "nginx_files.h"

extern char** environ;

namespace nova::traffic::detail {
namespace {

constexpr std::size_t kOutputKept = 2048;

std::string joined(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) {
    out += (out.empty() ? "" : " ") + a;
  }
  return out;
}

Result<std::string> signalMaster(const std::string& pidFile) {
  auto text = readWholeFile(pidFile);
  if (!text.ok()) {
    return Error{"nginx pid file: " + text.error().message};
  }
  long pid = 0;
  try {
    pid = std::stol(*text);
  } catch (const std::exception&) {
    pid = 0;
  }
  if (pid <= 1) {
    return Error{"nginx pid file " + pidFile + " holds no pid"};
  }
  if (::kill(static_cast<pid_t>(pid), SIGHUP) != 0) {
    return Error{"SIGHUP to nginx master " + std::to_string(pid) + " (from " + pidFile +
                 "): " + std::strerror(errno)};
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

// Waits for the child while collecting its output; kills it at the deadline.
Result<int> waitWithOutput(pid_t pid, int fd, DurationMs timeout, std::string& output) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout);
  for (;;) {
    int status = 0;
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) {
      drain(fd, output);
      return status;
    }
    if (done < 0 && errno != EINTR) {
      return Error{std::string("waitpid: ") + std::strerror(errno)};
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return Error{"still running after " + formatDuration(timeout) + ", killed"};
    }
    pollfd p{fd, POLLIN, 0};
    ::poll(&p, 1, 10);
    drain(fd, output);
  }
}

Result<std::string> runCommand(const std::vector<std::string>& command, DurationMs timeout) {
  std::vector<char*> argv;
  for (const auto& a : command) {
    argv.push_back(const_cast<char*>(a.c_str()));
  }
  argv.push_back(nullptr);
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return Error{std::string("pipe: ") + std::strerror(errno)};
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
    return Error{name + ": " + std::strerror(spawned)};
  }
  std::string output;
  auto status = waitWithOutput(pid, fds[0], timeout, output);
  ::close(fds[0]);
  if (!status.ok()) {
    return Error{name + ": " + status.error().message};
  }
  while (!output.empty() && (output.back() == '\n' || output.back() == ' ')) {
    output.pop_back();
  }
  if (!WIFEXITED(*status) || WEXITSTATUS(*status) != 0) {
    const std::string how = WIFEXITED(*status)
                                ? "exited " + std::to_string(WEXITSTATUS(*status))
                                : "killed by signal " + std::to_string(WTERMSIG(*status));
    return Error{name + " " + how + (output.empty() ? "" : ": " + output)};
  }
  return "ran " + joined(command);
}

}  // namespace

Result<std::string> reloadNginx(const std::string& pidFile, const std::vector<std::string>& command,
                                DurationMs timeout) {
  if (!pidFile.empty()) {
    return signalMaster(pidFile);
  }
  return runCommand(command, timeout);
}

}  // namespace nova::traffic::detail
