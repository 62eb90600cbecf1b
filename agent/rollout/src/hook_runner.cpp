#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <thread>

#include "nova/rollout/hook.h"

extern char** environ;

namespace nova::rollout {
namespace {

// The most a pipe can hold on Linux when its size cannot be read (fs.pipe-max-size's
// default): the drain bound after the command exits.
constexpr std::size_t kMaxPipeBytes = std::size_t{1} << 20;

// A child that is ours until reaped: its pid (also its process group), a pidfd that
// becomes readable when it exits (-1 where the kernel has none), and our end of its output.
struct Child {
  pid_t pid = -1;
  int pidfd = -1;
  int out = -1;
};

// What the output thread hands back, guarded by the stop source's Wakeup mutex.
struct Collected {
  bool done = false;
  int status = 0;
  std::string output;
  bool truncated = false;
};

std::vector<std::string> environmentFor(const CommandSpec& spec, const HookVariables& vars) {
  std::map<std::string, std::string> merged;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const std::size_t eq = text.find('=');
    if (eq != std::string_view::npos) {
      merged[std::string(text.substr(0, eq))] = std::string(text.substr(eq + 1));
    }
  }
  for (const auto& [key, value] : spec.env) {
    merged[key] = value;
  }
  for (const auto& [key, value] : vars) {
    merged[key] = value;
  }
  std::vector<std::string> out;
  out.reserve(merged.size());
  for (const auto& [key, value] : merged) {
    out.push_back(key + "=" + value);
  }
  return out;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (std::string& s : strings) {
    out.push_back(s.data());
  }
  out.push_back(nullptr);
  return out;
}

Result<Child> spawnChild(std::vector<std::string> argv, std::vector<std::string> env,
                         const std::string& dir, const std::string& what) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    return Error(ErrorCode::kInternal, what + ": pipe: " + std::strerror(errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
  if (!dir.empty()) {
    posix_spawn_file_actions_addchdir_np(&actions, dir.c_str());
  }
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Its own process group, so a timeout ends everything it started; default signal
  // dispositions and an empty mask whatever the caller (a signal thread) has set.
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attr, 0);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD}) {
    sigaddset(&defaults, sig);
  }
  posix_spawnattr_setsigdefault(&attr, &defaults);
  auto args = pointers(argv);
  auto envp = pointers(env);
  Child child;
  const int rc = posix_spawnp(&child.pid, args[0], &actions, &attr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    return Error(ErrorCode::kInternal, what + ": cannot start: " + std::strerror(rc) +
                                           (dir.empty() ? "" : " (in " + dir + ")"));
  }
  child.out = fds[0];
  child.pidfd = static_cast<int>(syscall(SYS_pidfd_open, child.pid, 0));
  return child;
}

void append(std::string& buffer, bool& truncated, const char* data, std::size_t n,
            std::size_t limit) {
  buffer.append(data, n);
  // Trim in chunks, so a chatty command costs amortized O(1) per byte.
  if (buffer.size() > 2 * limit) {
    buffer.erase(0, buffer.size() - limit);
    truncated = true;
  }
}

// Reads the output until the child exits, reaps it, ends what is left of its group, and
// drains what the pipe still holds without waiting for writers that escaped the group.
void collect(Child child, std::size_t limit, Collected& shared, StopSource& stop) {
  std::string buffer;
  bool truncated = false;
  char chunk[8192];
  int status = 0;
  pollfd fds[2] = {{child.out, POLLIN, 0}, {child.pidfd, POLLIN, 0}};
  const nfds_t count = child.pidfd >= 0 ? 2 : 1;
  for (bool exited = false; !exited;) {
    // Without a pidfd (old kernels) the exit is noticed by polling waitpid.
    const int ready = poll(fds, count, child.pidfd >= 0 ? -1 : 50);
    if (ready < 0 && errno != EINTR) {
      break;
    }
    if (fds[0].fd >= 0 && (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
      const ssize_t n = read(child.out, chunk, sizeof chunk);
      if (n > 0) {
        append(buffer, truncated, chunk, static_cast<std::size_t>(n), limit);
      } else if (n == 0) {
        fds[0].fd = -1;  // every writer closed; keep waiting for the exit
      }
    }
    if (child.pidfd >= 0) {
      exited = (fds[1].revents & POLLIN) != 0 && waitpid(child.pid, &status, 0) == child.pid;
    } else {
      exited = waitpid(child.pid, &status, WNOHANG) == child.pid;
    }
  }
  kill(-child.pid, SIGKILL);
  fcntl(child.out, F_SETFL, O_NONBLOCK);
  // Bounded: everything the pipe can hold (a command that wrote fast and exited has its
  // last lines, the ones that say what failed, still in there when this thread lags), and
  // no more, so a writer that escaped the group cannot keep this thread reading forever.
  const int capacity = fcntl(child.out, F_GETPIPE_SZ);
  const std::size_t bound =
      2 * limit + (capacity > 0 ? static_cast<std::size_t>(capacity) : kMaxPipeBytes);
  std::size_t drained = 0;
  for (ssize_t n; drained < bound && (n = read(child.out, chunk, sizeof chunk)) > 0;) {
    append(buffer, truncated, chunk, static_cast<std::size_t>(n), limit);
    drained += static_cast<std::size_t>(n);
  }
  close(child.out);
  if (child.pidfd >= 0) {
    close(child.pidfd);
  }
  if (buffer.size() > limit) {
    buffer.erase(0, buffer.size() - limit);
    truncated = true;
  }
  {
    std::lock_guard lock(stop.wakeup().mutex());
    shared.done = true;
    shared.status = status;
    shared.output = std::move(buffer);
    shared.truncated = truncated;
  }
  stop.wakeup().notifyAll();
}

}  // namespace

Result<HookResult> HookRunner::run(const CommandSpec& spec, const HookVariables& variables) {
  const std::string what = spec.describe();
  std::vector<std::string> argv;
  if (spec.shell) {
    argv = {"/bin/sh", "-c", spec.shellLine};
  } else {
    for (const std::string& arg : spec.argv) {
      auto expanded = expandVariables(arg, variables);
      if (!expanded) {
        return Error(ErrorCode::kInvalidInput, what + ": " + expanded.error().message);
      }
      argv.push_back(std::move(*expanded));
    }
  }
  if (argv.empty() || argv[0].empty()) {
    return Error(ErrorCode::kInvalidInput, "empty command");
  }
  const Clock& clock = stop_.clock();
  HookResult result;
  if (stop_.stopRequested()) {
    result.cancelled = true;
    return result;
  }
  running_.store(true);
  struct Idle {
    std::atomic<bool>& flag;
    ~Idle() { flag.store(false); }
  } idle{running_};
  const MonoTime start = clock.monoNow();
  auto child = spawnChild(std::move(argv), environmentFor(spec, variables), spec.workingDir, what);
  if (!child) {
    return child.error();
  }
  const pid_t group = child->pid;
  Collected shared;
  std::thread output(collect, *child, spec.maxOutputBytes, std::ref(shared), std::ref(stop_));
  Wakeup& wakeup = stop_.wakeup();
  {
    std::unique_lock lock(wakeup.mutex());
    wakeup.waitUntil(lock, start + spec.timeout,
                     [&] { return shared.done || stop_.stopRequestedLocked(); });
    if (!shared.done) {
      // Fail closed: ask the whole group to stop, then make it.
      result.cancelled = stop_.stopRequestedLocked();
      result.timedOut = !result.cancelled;
      kill(-group, SIGTERM);
      if (!wakeup.waitFor(lock, options_.killGrace, [&] { return shared.done; })) {
        kill(-group, SIGKILL);
        wakeup.wait(lock, [&] { return shared.done; });
      }
    }
  }
  output.join();
  result.elapsed = clock.monoNow() - start;
  result.output = std::move(shared.output);
  result.outputTruncated = shared.truncated;
  if (WIFEXITED(shared.status)) {
    result.exitCode = WEXITSTATUS(shared.status);
  } else if (WIFSIGNALED(shared.status)) {
    result.signal = WTERMSIG(shared.status);
  }
  return result;
}

}  // namespace nova::rollout
