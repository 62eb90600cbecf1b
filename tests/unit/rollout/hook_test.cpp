// Runs real commands (/bin/sh, sleep, printf) as hooks, on a ManualClock: timeouts and kill
// grace periods pass in simulated time.
#include "nova/rollout/hook.h"

#include <doctest/doctest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <functional>
#include <limits>
#include <sstream>
#include <thread>

#include "clock_driver.h"

namespace nova::rollout {
namespace {

const HookVariables kVars{
    {"NOVA_ROLLOUT_ID", "r-1"}, {"NOVA_VERSION", "v1.2.4"}, {"NOVA_SNAPSHOT_ID", "snap-1"}};

CommandSpec shell(std::string line, DurationMs timeout = kHour) {
  CommandSpec spec;
  spec.shell = true;
  spec.shellLine = std::move(line);
  spec.timeout = timeout;
  return spec;
}

CommandSpec exec(std::vector<std::string> argv, DurationMs timeout = kHour) {
  CommandSpec spec;
  spec.argv = std::move(argv);
  spec.timeout = timeout;
  return spec;
}

struct Fixture {
  ManualClock clock{1'000'000};
  StopSource stop{clock};
  HookRunner runner{stop};

  HookResult run(const CommandSpec& spec) {
    auto result = runner.run(spec, kVars);
    REQUIRE_MESSAGE(result.ok(), (result.ok() ? "" : result.error().message));
    return *result;
  }
};

TEST_CASE("arguments are expanded without a shell; variables are in the environment") {
  Fixture f;
  const HookResult direct =
      f.run(exec({"printf", "%s|%s|$HOME", "${NOVA_VERSION}", "${NOVA_ROLLOUT_ID}"}));
  CHECK(direct.exitCode == 0);
  CHECK(direct.output == "v1.2.4|r-1|$HOME");
  CommandSpec line = shell("echo $NOVA_SNAPSHOT_ID $EXTRA $NOVA_VERSION");
  line.env = {{"EXTRA", "x"}, {"NOVA_VERSION", "not-this"}};
  CHECK(f.run(line).output == "snap-1 x v1.2.4\n");
  CHECK(f.clock.monoNow() == MonoTime(1'000'000));  // no simulated time passed
}

TEST_CASE("exit code and output are checked, with the output's tail in the message") {
  Fixture f;
  const CommandSpec failing = shell("echo starting; echo boom >&2; exit 3");
  const HookResult result = f.run(failing);
  CHECK(result.exitCode == 3);
  CHECK(result.output == "starting\nboom\n");
  const Status check = checkHookResult(failing, result);
  REQUIRE_FALSE(check.ok());
  CHECK(check.error().code == ErrorCode::kRefused);
  CHECK(check.error().message ==
        "echo starting; echo boom >&2; exit 3: exit code 3, expected 0; output: starting\nboom");
  CommandSpec three = failing;
  three.expectExit = 3;
  CHECK(checkHookResult(three, result).ok());

  CommandSpec ratio = shell("echo 'connections: 41 of 100 (41%)'");
  ratio.expectOutput = R"(\((\d|[1-6]\d)%\))";
  CHECK(checkHookResult(ratio, f.run(ratio)).ok());
  ratio.shellLine = "echo 'connections: 85 of 100 (85%)'";
  CHECK(checkHookResult(ratio, f.run(ratio)).error().message ==
        "echo 'connections: 85 of 100 (85%)': output does not match /\\((\\d|[1-6]\\d)%\\)/; "
        "output: connections: 85 of 100 (85%)");
  ratio.expectOutput = "(";
  CHECK(checkHookResult(ratio, f.run(ratio)).error().code == ErrorCode::kInvalidInput);
}

// A ready() for the driver: the command has written its marker line.
std::function<bool()> printed(const std::string& path) {
  return [path] { return std::ifstream(path).good(); };
}

std::string markerPath(std::string_view name) {
  std::string path = "/tmp/nova-hook-test-" + std::to_string(getpid()) + "-" + std::string(name);
  std::remove(path.c_str());
  return path;
}

TEST_CASE("a hook's timeout ends its process group and fails closed") {
  Fixture f;
  const std::string marker = markerPath("timeout");
  const CommandSpec slow =
      shell("echo waiting; touch " + marker + "; sleep 30; echo never", 5 * kSecond);
  HookResult result;
  {
    test::ClockDriver driver(f.clock, 5 * kSecond, 5 * kSecond, printed(marker));
    result = f.run(slow);
  }
  std::remove(marker.c_str());
  CHECK(result.timedOut);
  CHECK(result.signal == SIGTERM);
  CHECK(result.output == "waiting\n");
  CHECK(result.elapsed == 5 * kSecond);
  const Status check = checkHookResult(slow, result);
  CHECK(check.error().code == ErrorCode::kTimeout);
  CHECK(check.error().message == slow.shellLine + ": timed out after 5s; output: waiting");
}

TEST_CASE("a hook that ignores SIGTERM is killed after the grace period") {
  Fixture f;
  HookRunner runner(f.stop, HookRunnerOptions{3 * kSecond});
  const std::string marker = markerPath("stubborn");
  HookResult result;
  {
    // No limit: the grace period's deadline is taken when the timeout fires.
    test::ClockDriver driver(f.clock, 3 * kSecond, std::numeric_limits<DurationMs>::max(),
                             printed(marker));
    auto ran =
        runner.run(shell("trap '' TERM; touch " + marker + "; sleep 30", 2 * kSecond), kVars);
    REQUIRE(ran.ok());
    result = *ran;
  }
  std::remove(marker.c_str());
  CHECK(result.timedOut);
  CHECK(result.signal == SIGKILL);
  CHECK(result.elapsed >= 5 * kSecond);
}

// Dead, exiting, or with SIGKILL pending: what a process looks like right after kill(-9).
bool killed(int pid) {
  const std::string proc = "/proc/" + std::to_string(pid);
  std::ifstream stat(proc + "/stat");
  std::string line;
  if (!std::getline(stat, line)) {
    return true;  // reaped
  }
  // Fields after the command: state, ppid, pgrp, session, tty, tpgid, flags.
  std::istringstream fields(line.substr(line.rfind(')') + 2));
  std::string state;
  long long skip = 0;
  unsigned long long flags = 0;
  fields >> state >> skip >> skip >> skip >> skip >> skip >> flags;
  constexpr unsigned long long kExiting = 0x4;  // PF_EXITING
  if (state == "Z" || state == "X" || (flags & kExiting) != 0) {
    return true;
  }
  std::ifstream status(proc + "/status");
  while (std::getline(status, line)) {
    if (line.starts_with("ShdPnd:") || line.starts_with("SigPnd:")) {
      const unsigned long long pending = std::stoull(line.substr(7), nullptr, 16);
      if ((pending & (1ULL << (SIGKILL - 1))) != 0) {
        return true;
      }
    }
  }
  return false;
}

TEST_CASE("what a hook leaves running in its group ends with it") {
  Fixture f;
  // The background sleep keeps the output pipe open; the hook still ends when sh exits.
  const HookResult result = f.run(shell("sleep 30 & echo $!; exit 0"));
  CHECK(result.exitCode == 0);
  CHECK(killed(std::stoi(result.output)));
  CHECK_FALSE(killed(getpid()));
}

TEST_CASE("a stop request ends a running hook at once; after it nothing starts") {
  Fixture f;
  std::thread requester([&] {
    REQUIRE(f.clock.awaitWaiters(1));
    f.stop.requestStop("SIGTERM");
  });
  const CommandSpec slow = shell("sleep 30");
  const HookResult result = f.run(slow);
  requester.join();
  CHECK(result.cancelled);
  CHECK_FALSE(result.timedOut);
  CHECK(checkHookResult(slow, result).error().code == ErrorCode::kUnavailable);
  CHECK(f.stop.reason() == "SIGTERM");
  const HookResult after = f.run(shell("echo should-not-run"));
  CHECK(after.cancelled);
  CHECK(after.output.empty());
}

TEST_CASE("captured output is bounded to its last bytes") {
  Fixture f;
  CommandSpec chatty = shell("i=0; while [ $i -lt 3000 ]; do echo line-$i; i=$((i+1)); done");
  chatty.maxOutputBytes = 100;
  const HookResult result = f.run(chatty);
  CHECK(result.outputTruncated);
  CHECK(result.output.size() == 100);
  CHECK(result.output.ends_with("line-2999\n"));
}

TEST_CASE("a command that writes fast and exits keeps its last line, however far behind") {
  // One write of 60 KB ending with the line that says what happened, then the exit: the
  // reader can learn of the exit with most of the pipe unread, and must still drain it.
  Fixture f;
  CommandSpec burst = shell(
      "exec dd bs=65536 count=1 iflag=fullblock status=none <<EOF\n"
      "$(head -c 60000 /dev/zero | tr '\\0' x)\n"
      "deploy failed: quota\n"
      "EOF\n");
  burst.maxOutputBytes = 100;
  const HookResult result = f.run(burst);
  CHECK(result.outputTruncated);
  CHECK(result.output.ends_with("\ndeploy failed: quota\n"));
}

TEST_CASE("commands that cannot start, and bad variables, are errors with codes") {
  Fixture f;
  auto missing = f.runner.run(exec({"/nonexistent/helm", "upgrade"}), kVars);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::kInternal);
  CHECK(missing.error().message ==
        "/nonexistent/helm upgrade: cannot start: No such file or directory");
  CommandSpec elsewhere = exec({"true"});
  elsewhere.workingDir = "/nonexistent-dir";
  CHECK(f.runner.run(elsewhere, kVars).error().code == ErrorCode::kInternal);
  auto typo = f.runner.run(exec({"echo", "${NOVA_VERSON}"}), kVars);
  CHECK(typo.error().code == ErrorCode::kInvalidInput);
  CHECK(typo.error().message ==
        "echo '${NOVA_VERSON}': unknown variable ${NOVA_VERSON}; did you mean ${NOVA_VERSION}?");
  CHECK(f.runner.run(CommandSpec{}, kVars).error().code == ErrorCode::kInvalidInput);
}

TEST_CASE("variable expansion") {
  CHECK(*expandVariables("tag=${NOVA_VERSION}", kVars) == "tag=v1.2.4");
  CHECK(*expandVariables("$${NOVA_VERSION} ${NOVA_ROLLOUT_ID}$", kVars) == "${NOVA_VERSION} r-1$");
  CHECK(expandVariables("${NOVA_VERSION", kVars).error().message ==
        "unclosed \"${\" at offset 0 in \"${NOVA_VERSION\"");
  CHECK(hookVariableNames().size() == 7);
}

}  // namespace
}  // namespace nova::rollout
