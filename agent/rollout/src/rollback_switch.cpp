// Options 1 and 3: blue back up and healthy, the flip, traffic verified on blue; full then
// removes green. The runbook flips first, which after Phase 4 sends every user to zero pods.
#include "rollback_run.h"

namespace nova::rollout::detail {
namespace {

constexpr DurationMs kPoll = kSecond;

// The shared first part of both options; false when the run already ended.
bool backToBlue(RollbackRun& run) {
  if (Status s = run.begin(); !s.ok()) {
    finish(run, Outcome::kError, "taking the lease: " + s.error().message);
    return false;
  }
  if (Status s = run.restoreBlue(); !s.ok()) {
    failStep(run, Outcome::kNeedsPerson,
             s.error().message + "; traffic is still on " +
                 std::string(trafficSideName(run.result.traffic)));
    return false;
  }
  if (stoppedAtBoundary(run)) {
    return false;
  }
  if (Status s = run.flipToBlue(); !s.ok()) {
    failStep(run, Outcome::kNeedsPerson, "the flip failed: " + s.error().message);
    return false;
  }
  return true;
}

Status removeGreenByHook(RollbackRun& run, const CommandSpec& hook) {
  const Record& r = *run.read->record;
  HookVariables variables{{"NOVA_ROLLOUT_ID", r.rolloutId},
                          {"NOVA_VERSION", r.version},
                          {"NOVA_SNAPSHOT_ID", r.snapshotId},
                          {"NOVA_PHASE", std::string(phaseName(r.effectivePhase()))},
                          {"NOVA_STEP", "rollback-full:remove-green"},
                          {"NOVA_GREEN_URL", run.config.smoke.baseUrl},
                          {"NOVA_REPORT_DIR", run.config.reportDir}};
  run.say({"green", "remove", "info", "removing green: " + hook.describe()}, true);
  auto ran = run.parts.hooks.run(hook, variables);
  if (!ran.ok()) {
    return ran.error();
  }
  return checkHookResult(hook, *ran);
}

Status removeGreenByScale(RollbackRun& run) {
  const FullRollbackSpec& full = run.config.rollback.full;
  run.say({"green", "scale", "info", "scaling green Deployment " + full.deployment + " to 0"},
          true);
  if (Status s = run.parts.traffic.scaleDeployment(full.ns, full.deployment, 0); !s.ok()) {
    return s;
  }
  const MonoTime until = run.parts.clock.monoNow() + full.timeout;
  for (;;) {
    auto pods = run.parts.traffic.deploymentPods(full.ns, full.deployment);
    if (pods.ok() && *pods == 0) {
      run.say({"green", "pods", "ok", "green Deployment " + full.deployment + " has no pod left"});
      return {};
    }
    if (run.parts.clock.monoNow() >= until) {
      return Error(ErrorCode::kTimeout,
                   "green Deployment " + full.deployment + " still has " +
                       (pods.ok() ? std::to_string(*pods) + " pods" : pods.error().message) +
                       " after " + formatDuration(full.timeout));
    }
    if (run.parts.stop.waitFor(kPoll)) {
      return Error(ErrorCode::kUnavailable, "green was scaling to 0");
    }
  }
}

}  // namespace

void runSwitchOption(RollbackRun& run) {
  if (!backToBlue(run)) {
    return;
  }
  finish(run, Outcome::kRolledBack,
         "rolled back: traffic verified on blue (" + run.read->detail + ")");
}

void runFullOption(RollbackRun& run) {
  const FullRollbackSpec& full = run.config.rollback.full;
  if (!full.removeGreen && full.deployment.empty()) {
    finish(run, Outcome::kUsage,
           "--option full needs rollback.full.remove_green, or green's Deployment "
           "(rollback.full.deployment, or deploy.kubernetes) in the config");
    return;
  }
  if (!run.read->record) {
    finish(run, Outcome::kUsage,
           run.parts.traffic.describe() + " has no rollout record: nothing says what green is");
    return;
  }
  if (!backToBlue(run) || stoppedAtBoundary(run)) {
    return;
  }
  const std::string step = RollbackRun::stepName("green-removed");
  const std::string how = full.removeGreen ? "by " + full.removeGreen->describe()
                                           : "Deployment " + full.deployment + " scaled to 0";
  if (run.recorded(step)) {
    run.say({"green", "remove", "skipped", "green already removed (recorded)"});
  } else {
    Status removed =
        full.removeGreen ? removeGreenByHook(run, *full.removeGreen) : removeGreenByScale(run);
    if (!removed.ok()) {
      failStep(run, Outcome::kNeedsPerson,
               "traffic is on blue, but removing green failed: " + removed.error().message);
      return;
    }
    if (Status s = run.record(step, "green removed " + how); !s.ok()) {
      finish(run, Outcome::kError, "green removed but not recorded: " + s.error().message);
      return;
    }
  }
  run.announce({"green", "removed", "ok", "green removed " + how}, RollbackNotice::kGreenRemoved);
  finish(run, Outcome::kRolledBack,
         "rolled back in full: traffic verified on blue (" + run.read->detail + "), green removed");
}

}  // namespace nova::rollout::detail
