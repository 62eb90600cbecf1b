#pragma once

#include <string>
#include <vector>

#include "nova/core/clock.h"
#include "nova/core/result.h"
#include "nova/core/time.h"

namespace nova::traffic::detail {

/// Asks nginx to reload its configuration: SIGHUP to the master whose pid is in `pidFile`
/// when that is set, otherwise runs `command` (argv, looked up in PATH, no shell) and
/// waits up to `timeout` ms of `clock`'s monotonic time for it to exit 0. Returns how it was
/// done ("SIGHUP to nginx master 4242"). Errors give the pid file problem (its read error's
/// code, or kInvalidInput), the signal's errno text (kNotFound for no such process, kRefused
/// for no permission), or the command's exit status and its last output (kRefused); a
/// command still running at the timeout is killed (kTimeout).
Result<std::string> reloadNginx(const std::string& pidFile, const std::vector<std::string>& command,
                                DurationMs timeout, const Clock& clock);

}  // namespace nova::traffic::detail
