#pragma once

#include <sys/types.h>

#include "nova/testing/child_process.h"

namespace nova::testing::detail {

/// A started child and this process's ends of its pipes (-1 where there is none).
struct Spawned {
  pid_t pid = -1;
  int stdinFd = -1;
  int stdoutFd = -1;
};

/// Starts `options.argv` with posix_spawn, wiring stdin, stdout and stderr as ChildOptions
/// says; with `mergeStderr` stderr goes into the stdout pipe too. Throws std::runtime_error
/// when the program is missing or cannot be started.
Spawned spawn(const ChildOptions& options, bool mergeStderr);

}  // namespace nova::testing::detail
