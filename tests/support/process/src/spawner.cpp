#include "spawner.h"

#include <fcntl.h>
#include <spawn.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

#include "nova/testing/tools.h"

extern char** environ;

namespace nova::testing::detail {
namespace {

// This process's environment with `extra` ("NAME=value") added, replacing same names.
std::vector<std::string> environment(const std::vector<std::string>& extra) {
  std::vector<std::string> out;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    const std::string name = entry.substr(0, entry.find('=') + 1);
    bool replaced = false;
    for (const auto& x : extra) {
      replaced = replaced || x.rfind(name, 0) == 0;
    }
    if (!replaced) {
      out.push_back(entry);
    }
  }
  out.insert(out.end(), extra.begin(), extra.end());
  return out;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) {
    out.push_back(s.data());
  }
  out.push_back(nullptr);
  return out;
}

// Closes the fds it holds on every path out.
struct Pipe {
  int fds[2] = {-1, -1};
  Pipe() {
    if (::pipe2(fds, O_CLOEXEC) != 0) {
      throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
    }
  }
  ~Pipe() {
    for (int fd : fds) {
      if (fd >= 0) {
        ::close(fd);
      }
    }
  }
  int take(int end) {
    const int fd = fds[end];
    fds[end] = -1;
    return fd;
  }
};

}  // namespace

Spawned spawn(const ChildOptions& options, bool mergeStderr) {
  if (options.argv.empty()) {
    throw std::runtime_error("no program to start");
  }
  std::vector<std::string> argv = options.argv;
  argv[0] = requireTool(argv[0], options.package.empty() ? argv[0] : options.package);
  std::vector<std::string> env = environment(options.env);
  Pipe in;
  Pipe out;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (options.pipeStdin) {
    posix_spawn_file_actions_adddup2(&actions, in.fds[0], STDIN_FILENO);
  } else {
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  }
  if (options.log != nullptr) {
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, options.log->path().c_str(),
                                     O_WRONLY | O_CREAT | O_APPEND, 0644);
  }
  if (options.captureStdout) {
    posix_spawn_file_actions_adddup2(&actions, out.fds[1], STDOUT_FILENO);
    if (mergeStderr) {
      posix_spawn_file_actions_adddup2(&actions, out.fds[1], STDERR_FILENO);
    }
  } else {
    posix_spawn_file_actions_adddup2(&actions, STDERR_FILENO, STDOUT_FILENO);
  }
  auto args = pointers(argv);
  auto envp = pointers(env);
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, args[0], &actions, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
  }
  Spawned spawned;
  spawned.pid = pid;
  if (options.pipeStdin) {
    spawned.stdinFd = in.take(1);
  }
  if (options.captureStdout) {
    spawned.stdoutFd = out.take(0);
  }
  return spawned;
}

}  // namespace nova::testing::detail
