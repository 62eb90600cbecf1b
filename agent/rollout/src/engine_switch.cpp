// Phases 3 and 4 of the runbook: the switch to green (one compare-and-swap that moves the
// backend and writes the record), its check through the public URL, and the clean-up of
// blue once the agent's verdict is clean. Monitoring itself is the engine loop's waiting.
#include <boost/json.hpp>
#include <filesystem>

#include "engine_run.h"
#include "nova/core/files.h"

namespace nova::rollout::detail {
namespace {

namespace json = boost::json;

constexpr DurationMs kVerifyPause = 500;

// The version the public URL reports at `pointer`, or why not.
Result<std::string> versionAt(const std::string& body, const std::string& pointer) {
  boost::system::error_code ec;
  json::value parsed = json::parse(body, ec);
  if (ec) {
    return Error(ErrorCode::kInvalidInput, "the answer is not JSON");
  }
  const json::value* v = parsed.find_pointer(pointer, ec);
  if (v == nullptr || !v->is_string()) {
    return Error(ErrorCode::kInvalidInput, "no string at " + pointer);
  }
  return std::string(v->as_string());
}

}  // namespace

PhaseEnd EngineRun::switchTraffic(Record& record, const TrafficRead& read) {
  if (!record.switchedAt) {
    if (PhaseEnd checked = windowCheck(record, Phase::kSwitch);
        checked.kind == PhaseEnd::Kind::kRefused) {
      return checked;
    }
    // Back up the traffic object as it is before the switch (runbook Step 3.1).
    std::error_code ec;
    std::filesystem::create_directories(config_.reportDir, ec);
    const std::string backup = config_.reportDir + "/" + record.rolloutId + "-traffic-before.json";
    if (Status s = writeFileDurably(
            backup, store_.withObject([&](TrafficObject& t) { return t.backup(read); }));
        !s.ok()) {
      return {PhaseEnd::Kind::kFinish, Phase::kFailedBeforeSwitch,
              "backing up " + parts_.traffic.describe() + ": " + s.error().message};
    }
    Record next = record;
    next.phase = Phase::kSwitch;
    next.switchedAt = parts_.clock.now();
    appendStep(next, StepRecord{Phase::kSwitch, "switch", StepResult::kOk, *next.switchedAt,
                                "traffic to green; backup in " + backup});
    auto moved = store_.switchToGreen(next);
    if (!moved.ok()) {
      const ErrorCode code = moved.error().code;
      if (code == ErrorCode::kTimeout) {
        // The move was written but green never answered: put traffic back at once.
        record = next;
        lastRecord_ = record;
        auto back =
            parts_.flipBack("green did not answer after the switch: " + moved.error().message);
        if (!back.ok()) {
          return {PhaseEnd::Kind::kFinish, Phase::kNeedsPerson,
                  moved.error().message + "; flipping back failed: " + back.error().message};
        }
        return {PhaseEnd::Kind::kFinish, Phase::kRolledBack,
                moved.error().message + "; flipped back: " + *back};
      }
      if (code == ErrorCode::kConflict || (retryable(code) && !pastDeadline(Phase::kSwitch))) {
        event(Phase::kSwitch, "switch", "info",
              "not applied, judging again: " + moved.error().message);
        return {PhaseEnd::Kind::kAgain, Phase::kSwitch, moved.error().message};
      }
      return {PhaseEnd::Kind::kError, Phase::kSwitch,
              "the switch failed: " + moved.error().message};
    }
    record = next;
    lastRecord_ = record;
    event(Phase::kSwitch, "switch", "ok", *moved);
  }
  return verifyPublic(record);
}

PhaseEnd EngineRun::verifyPublic(Record& record) {
  const SwitchSpec& spec = config_.switchSpec;
  if (spec.publicUrl.empty()) {
    step(record, Phase::kSwitch, "verify", StepResult::kSkipped, "no public_url configured");
    return advance(record, Phase::kSwitch);
  }
  const MonoTime until =
      std::min(parts_.clock.monoNow() + spec.verifyTimeout, deadline(Phase::kSwitch));
  std::string last;
  for (;;) {
    http::Request request;
    request.url = spec.publicUrl;
    request.timeout = std::clamp<DurationMs>(until - parts_.clock.monoNow(), 1, 5 * kSecond);
    auto response = parts_.http.perform(request);
    if (!response.ok()) {
      last = response.error().message;
    } else if (response->status != 200) {
      last = "HTTP " + std::to_string(response->status);
    } else if (auto v = versionAt(response->body, spec.versionPointer); !v.ok()) {
      last = v.error().message;
    } else if (*v != record.version) {
      last = "version " + *v;
    } else {
      step(record, Phase::kSwitch, "verify", StepResult::kOk,
           spec.publicUrl + " answers " + record.version);
      return advance(record, Phase::kSwitch);
    }
    if (parts_.clock.monoNow() + kVerifyPause >= until) {
      break;
    }
    if (parts_.stop.waitFor(kVerifyPause)) {
      return {PhaseEnd::Kind::kInterrupted, Phase::kSwitch,
              "stopped while verifying the switch (traffic on green, the agent guards it)"};
    }
  }
  const std::string why =
      spec.publicUrl + " did not answer " + record.version + " in time (" + last + ")";
  step(record, Phase::kSwitch, "verify", StepResult::kFailed, why);
  auto back = parts_.flipBack(why);
  if (!back.ok()) {
    return {PhaseEnd::Kind::kFinish, Phase::kNeedsPerson,
            why + "; flipping back failed: " + back.error().message};
  }
  return {PhaseEnd::Kind::kFinish, Phase::kRolledBack, why + "; flipped back: " + *back};
}

PhaseEnd EngineRun::cleanupBlue(Record& record) {
  const bool hook = config_.blue.scaleDownHook.has_value();
  if (!hook && !record.blue) {
    // What a rollback scales back up to, written before anything is scaled down.
    auto before = store_.withObject([&](TrafficObject& t) { return t.blueBefore(); });
    if (!before.ok()) {
      return {PhaseEnd::Kind::kFinish, Phase::kNeedsPerson,
              "reading blue before scaling it down: " + before.error().message};
    }
    record.blue = *before;
    step(record, Phase::kCleanupBlue, "blue-recorded", StepResult::kOk,
         std::to_string(before->replicas) + " replicas of " + before->image);
    if (Status s = write(record); !s.ok()) {
      return {PhaseEnd::Kind::kError, Phase::kCleanupBlue, s.error().message};
    }
  }
  if (parts_.stop.waitFor(config_.blue.scaleDownDelay)) {
    return {PhaseEnd::Kind::kInterrupted, Phase::kCleanupBlue, "stopped before scaling blue down"};
  }
  auto read = store_.read();
  if (!read.ok() || read->side != TrafficSide::kGreen) {
    return {PhaseEnd::Kind::kAgain, Phase::kCleanupBlue, "traffic is not on green any more"};
  }
  // Written under the lease right before blue goes down: a rollback that took the lease
  // meanwhile makes this write fail, and blue stays up.
  step(record, Phase::kCleanupBlue, "blue-scale-down", StepResult::kOk,
       "traffic verified on green: " + read->detail);
  if (Status s = write(record); !s.ok()) {
    return {PhaseEnd::Kind::kError, Phase::kCleanupBlue,
            "not scaling blue down: " + s.error().message};
  }
  if (hook) {
    if (!runCheck(record, Phase::kCleanupBlue, "blue-hook", *config_.blue.scaleDownHook)) {
      return {PhaseEnd::Kind::kFinish, Phase::kNeedsPerson, "the blue hook failed"};
    }
  } else {
    if (Status s = store_.withObject([&](TrafficObject& t) { return t.scaleBlue(0); }); !s.ok()) {
      return {PhaseEnd::Kind::kFinish, Phase::kNeedsPerson,
              "scaling blue down: " + s.error().message};
    }
    for (;;) {
      const auto ready = store_.withObject([&](TrafficObject& t) { return t.blueReady(); });
      if (ready && *ready == 0) {
        break;
      }
      if (pastDeadline(Phase::kCleanupBlue)) {
        return {PhaseEnd::Kind::kTimedOut, Phase::kCleanupBlue,
                "blue still has ready pods at the end of its bound"};
      }
      if (parts_.stop.waitFor(kVerifyPause)) {
        return {PhaseEnd::Kind::kInterrupted, Phase::kCleanupBlue,
                "stopped while blue scales down"};
      }
    }
    step(record, Phase::kCleanupBlue, "blue-scaled-down", StepResult::kOk, "0 replicas");
  }
  return {PhaseEnd::Kind::kFinish, Phase::kDone, "green serves all traffic; blue is down"};
}

}  // namespace nova::rollout::detail
