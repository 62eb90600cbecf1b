// Fuzzes the body of the agent's command API (POST /v1/hold, /v1/release, /v1/rollback)
// and applies what it accepts to a real watcher: parsing must never crash or throw, a
// refused body is kInvalidInput with a message, and an accepted command must be applied or
// refused cleanly (no overflow of `now + for`, a hold never beyond the rollback window).

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>

#include "daemon_shared.h"
#include "fuzz_checks.h"
#include "nova/policy/escalator.h"
#include "nova/rules/loader.h"
#include "nova/watch/watcher.h"

using nova::fuzz::check;

namespace {

using nova::watch::Command;

// A moment in 2026 as the agent's wall clock, traffic switched an hour before.
constexpr nova::TimestampMs kNow = 1'780'000'000'000;
constexpr nova::TimestampMs kSwitched = kNow - 3'600'000;

void applyToWatcher(const Command& command) {
  nova::policy::PolicyConfig policy;
  nova::watch::Watcher watcher(nova::rules::RuleSet{},
                               nova::policy::Escalator(policy, {}, kSwitched));
  const auto applied = watcher.command(command, nova::watch::Now{kNow, nova::MonoTime(5'000)});
  if (!applied.ok()) {
    check(!applied.error().message.empty());
    return;
  }
  if (command.kind == Command::Kind::kHold) {
    const auto& hold = watcher.escalator().activeHold();
    check(hold.has_value());
    check(hold->until > kNow);
    check(hold->until <= kSwitched + policy.rollbackWindow);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 64 * 1024) {  // the API refuses bodies over its cap before parsing
    return 0;
  }
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  for (const Command::Kind kind :
       {Command::Kind::kHold, Command::Kind::kRelease, Command::Kind::kRollback}) {
    const auto parsed = nova::daemon::detail::parseCommand(kind, body);
    if (!parsed.ok()) {
      check(parsed.error().code == nova::ErrorCode::kInvalidInput);
      check(!parsed.error().message.empty());
      continue;
    }
    check(parsed->kind == kind);
    if (kind == Command::Kind::kHold) {
      check(parsed->holdFor > 0);
      check(parsed->holdCovers != nova::Severity::kNone);
    }
    applyToWatcher(*parsed);
  }
  return 0;
}
