#pragma once

#include <atomic>
#include <cstddef>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "nova/core/result.h"
#include "nova/core/time.h"
#include "nova/rollout/stop.h"

namespace nova::rollout {

/// A command from rollout.yaml: a pre-flight check, the snapshot hook, the deploy hook.
struct CommandSpec {
  /// The program and its arguments, executed directly (no shell); `${NOVA_...}` in them is
  /// replaced by the hook's variables. Empty when `shell` is set.
  std::vector<std::string> argv;
  /// With `shell: true`, one line for /bin/sh -c (which reads the variables from its
  /// environment itself).
  std::string shellLine;
  bool shell = false;
  /// The hook's own bound; at its end the process group is ended (fail closed).
  DurationMs timeout = 5 * kMinute;
  /// Added to the inherited environment (the NOVA_* variables win over these).
  std::map<std::string, std::string> env;
  /// Working directory; "" for the current one.
  std::string workingDir;
  /// The exit code that counts as success.
  int expectExit = 0;
  /// An RE2 pattern that must match somewhere in the output; "" for none.
  std::string expectOutput;
  /// Captured output beyond this keeps only its last bytes.
  std::size_t maxOutputBytes = 64 * 1024;

  /// The command as one line for messages ("helm upgrade --install ...").
  std::string describe() const;
};

/// The variables a hook sees in its environment (and in `${...}` of its arguments).
using HookVariables = std::map<std::string, std::string>;

/// The NOVA_* names a rollout provides: NOVA_ROLLOUT_ID, NOVA_VERSION, NOVA_SNAPSHOT_ID,
/// NOVA_PHASE, NOVA_STEP, NOVA_GREEN_URL, NOVA_REPORT_DIR.
std::span<const std::string_view> hookVariableNames();

/// Replaces each `${NAME}` in `text` by `variables[NAME]`; `$${` writes a literal `${`.
/// Errors (kInvalidInput): an unknown name, an unclosed `${`.
Result<std::string> expandVariables(std::string_view text, const HookVariables& variables);

/// How one run of a command ended.
struct HookResult {
  /// The exit code when the process exited by itself; -1 when a signal ended it.
  int exitCode = -1;
  /// The signal that ended it, or 0.
  int signal = 0;
  /// Ended by its timeout (the process group was terminated, then killed).
  bool timedOut = false;
  /// Ended because a stop was requested.
  bool cancelled = false;
  /// stdout and stderr together, in order; the last maxOutputBytes when truncated.
  std::string output;
  bool outputTruncated = false;
  /// Monotonic time from start to end.
  DurationMs elapsed = 0;
};

/// Whether `result` passes `spec`'s checks. Errors name the command and give the tail of
/// its output: kTimeout (its timeout ran out), kUnavailable (stopped by request), kRefused
/// (another exit code, a signal, or the expected output missing), kInvalidInput (a bad
/// expect_output pattern).
Status checkHookResult(const CommandSpec& spec, const HookResult& result);

struct HookRunnerOptions {
  /// After the timeout or a stop request the process group gets SIGTERM, then SIGKILL if it
  /// is still there after this long (on the clock).
  DurationMs killGrace = 5 * kSecond;
};

/// Runs commands as child processes, each in its own process group with stdin from
/// /dev/null and stdout and stderr captured (bounded). Waits on `stop`'s Wakeup, so its
/// deadlines are on the clock's monoNow() and a stop request ends the command at once.
/// When the command exits, what is left of its process group is killed too: nothing a hook
/// starts outlives it or holds its output open. One run at a time per runner.
class HookRunner {
 public:
  HookRunner(StopSource& stop, HookRunnerOptions options = {}) : stop_(stop), options_(options) {}

  /// Runs `spec` with `variables` exported (and expanded in argv). Errors: kInvalidInput
  /// for bad `${...}` in argv or an empty command, kInternal when the process cannot be
  /// started (an unknown program, a missing working directory), naming the command.
  Result<HookResult> run(const CommandSpec& spec, const HookVariables& variables);

  /// True while run() is running a command (for status displays, and for tests that drive
  /// a simulated clock only while the rollout waits for something else). Thread-safe.
  bool running() const { return running_.load(); }

 private:
  StopSource& stop_;
  HookRunnerOptions options_;
  std::atomic<bool> running_{false};
};

}  // namespace nova::rollout
