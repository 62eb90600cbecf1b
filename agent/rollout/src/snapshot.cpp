#include "nova/rollout/snapshot.h"

#include <re2/re2.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>

#include "fnv.h"

namespace nova::rollout {
namespace {

constexpr std::size_t kMaxIdLength = 63;

bool isAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

std::string hashOf(const std::string& text) {
  const std::uint64_t h = detail::fnv1a64(text);
  char out[17];
  std::snprintf(out, sizeof out, "%08llx", static_cast<unsigned long long>(h & 0xffffffffULL));
  return out;
}

enum class PollState { kPending, kDone, kFailed };

struct Poll {
  PollState state = PollState::kPending;
  std::string note;
};

CommandSpec bounded(CommandSpec spec, DurationMs remaining) {
  spec.timeout = std::max<DurationMs>(1, std::min(spec.timeout, remaining));
  return spec;
}

Result<Poll> pollOnce(HookRunner& runner, const SnapshotSpec& spec, const HookVariables& vars,
                      DurationMs remaining) {
  const CommandSpec command = bounded(*spec.poll, remaining);
  auto result = runner.run(command, vars);
  if (!result) {
    return result.error();
  }
  if (result->cancelled) {
    return Error(ErrorCode::kUnavailable, "snapshot: stopped because a stop was requested");
  }
  Poll poll;
  if (Status ok = checkHookResult(command, *result); !ok) {
    // A failing poll (a throttled API, a network blip) is not a verdict; the bound is.
    poll.note = ok.error().message;
    return poll;
  }
  if (!spec.failedOutput.empty() && RE2::PartialMatch(result->output, spec.failedOutput)) {
    poll.state = PollState::kFailed;
  } else if (RE2::PartialMatch(result->output, spec.doneOutput)) {
    poll.state = PollState::kDone;
  }
  poll.note = command.describe() + " said: " + result->output.substr(0, 300);
  return poll;
}

}  // namespace

Result<std::string> snapshotId(const std::string& idTemplate, const HookVariables& variables) {
  auto expanded = expandVariables(idTemplate, variables);
  if (!expanded) {
    return expanded.error();
  }
  std::string id;
  for (char c : *expanded) {
    if (isAlnum(c)) {
      id += c;
    } else if (!id.empty() && id.back() != '-') {
      id += '-';
    }
  }
  while (!id.empty() && id.back() == '-') {
    id.pop_back();
  }
  if (id.empty() || !((id[0] >= 'a' && id[0] <= 'z') || (id[0] >= 'A' && id[0] <= 'Z'))) {
    id = id.empty() ? "s" : "s-" + id;
  }
  if (id.size() > kMaxIdLength) {
    id.resize(kMaxIdLength - 9);
    while (id.back() == '-') {
      id.pop_back();
    }
    id += "-" + hashOf(*expanded);
  }
  return id;
}

Result<SnapshotOutcome> takeSnapshot(HookRunner& runner, StopSource& stop, const SnapshotSpec& spec,
                                     HookVariables variables, bool resume) {
  const Clock& clock = stop.clock();
  const MonoTime began = clock.monoNow();
  const MonoTime deadline = began + spec.timeout;
  auto id = snapshotId(spec.idTemplate, variables);
  if (!id) {
    return id.error();
  }
  variables["NOVA_SNAPSHOT_ID"] = *id;
  SnapshotOutcome outcome;
  outcome.id = *id;
  auto finish = [&](bool alreadyDone) {
    outcome.alreadyDone = alreadyDone;
    outcome.elapsed = clock.monoNow() - began;
    return outcome;
  };
  const std::string what = "snapshot " + *id;
  if (resume && spec.poll) {
    ++outcome.polls;
    auto first = pollOnce(runner, spec, variables, deadline - clock.monoNow());
    if (!first) {
      return first.error();
    }
    if (first->state == PollState::kDone) {
      return finish(true);
    }
  }
  const CommandSpec start = bounded(spec.start, deadline - clock.monoNow());
  auto started = runner.run(start, variables);
  if (!started) {
    return started.error();
  }
  if (Status ok = checkHookResult(start, *started); !ok) {
    // On a resume the snapshot may exist already; the polls tell.
    if (!(resume && spec.poll && ok.error().code == ErrorCode::kRefused)) {
      return ok.error().prefixed(what + ": start: ");
    }
  }
  if (!spec.poll) {
    return finish(false);
  }
  std::string last = "no poll finished";
  while (clock.monoNow() < deadline) {
    ++outcome.polls;
    auto poll = pollOnce(runner, spec, variables, deadline - clock.monoNow());
    if (!poll) {
      return poll.error();
    }
    last = poll->note;
    if (poll->state == PollState::kDone) {
      return finish(false);
    }
    if (poll->state == PollState::kFailed) {
      return Error(ErrorCode::kRefused, what + ": failed: " + last);
    }
    if (stop.waitUntil(std::min(clock.monoNow() + spec.interval, deadline))) {
      return Error(ErrorCode::kUnavailable, what + ": stopped because a stop was requested");
    }
  }
  return Error(ErrorCode::kTimeout,
               what + ": not done within " + formatDuration(spec.timeout) + "; last: " + last);
}

}  // namespace nova::rollout
