// Phases 1 and 2 of the runbook: pre-flight, the database snapshot, green's deployment and
// the smoke tests. Everything before the switch: a failure ends the rollout with production
// untouched.
#include <algorithm>

#include "builtin_checks.h"
#include "engine_run.h"
#include "nova/rollout/agent_status.h"
#include "nova/rollout/cluster_checks.h"
#include "nova/rollout/smoke.h"
#include "nova/rollout/snapshot.h"

namespace nova::rollout::detail {
namespace {

PhaseEnd failedBeforeSwitch(std::string reason) {
  return {PhaseEnd::Kind::kFinish, Phase::kFailedBeforeSwitch, std::move(reason)};
}

}  // namespace

bool EngineRun::runCheck(Record& record, Phase phase, const std::string& name,
                         const CommandSpec& spec) {
  CommandSpec bounded = spec;
  bounded.timeout = std::min(spec.timeout, remaining(phase));  // the phase's bound caps it
  auto result = parts_.hooks.run(bounded, variables(record, phase, name));
  Status checked = result.ok() ? checkHookResult(bounded, *result) : Status(result.error());
  if (checked.ok()) {
    step(record, phase, name, StepResult::kOk,
         result->output.empty() ? spec.describe() : result->output);
    return true;
  }
  step(record, phase, name, StepResult::kFailed, checked.error().message);
  return false;
}

PhaseEnd EngineRun::preflight(Record& record, const TrafficRead& read) {
  // Every check runs and is listed; none stops the others. A check named by --skip-check
  // is listed as skipped, with who skipped it and why.
  std::vector<std::string> failed;
  auto skipped = [&](const std::string& name) {
    const auto skip = options_.skipChecks.find(name);
    if (skip == options_.skipChecks.end()) {
      return false;
    }
    step(record, Phase::kPreflight, name, StepResult::kSkipped,
         "skipped by " + options_.who + ": " + skip->second);
    return true;
  };
  auto builtIn = [&](const std::string& name, const ClusterCheckResult& result) {
    step(record, Phase::kPreflight, name, result.ok ? StepResult::kOk : StepResult::kFailed,
         result.detail);
    if (!result.ok) {
      failed.push_back(name);
    }
  };
  if (!skipped("traffic-on-blue")) {
    builtIn("traffic-on-blue", judgeTrafficOnBlue(read));
  }
  if (!skipped("blue-ready")) {
    builtIn("blue-ready",
            judgeBlueReady(store_.withObject([&](TrafficObject& t) { return t.blueReady(); })));
  }
  if (!config_.monitor.agentUrl.empty() && !skipped("agent-reachable")) {
    builtIn("agent-reachable",
            judgeAgentReachable(config_.monitor.agentUrl,
                                readAgentVerdict(parts_.http, config_.monitor.agentUrl,
                                                 options_.rolloutId, 5 * kSecond)));
  }
  if (config_.preflightCluster) {
    const std::vector<std::string> names = preflightCheckNames(config_);
    for (const auto& name : names) {
      if (parts_.stop.stopRequested()) {
        return {PhaseEnd::Kind::kInterrupted, Phase::kPreflight, "stopped during pre-flight"};
      }
      if (!isClusterCheckName(name) || skipped(name)) {
        continue;
      }
      builtIn(name, store_.withObject([&](TrafficObject& t) {
        return runClusterCheck(name, t, *config_.preflightCluster, parts_.clock.now());
      }));
    }
  }
  for (const auto& check : config_.preflight) {
    if (parts_.stop.stopRequested()) {
      return {PhaseEnd::Kind::kInterrupted, Phase::kPreflight, "stopped during pre-flight"};
    }
    if (!skipped(check.name) && !runCheck(record, Phase::kPreflight, check.name, check.command)) {
      failed.push_back(check.name);
    }
  }
  if (parts_.stop.stopRequested()) {
    return {PhaseEnd::Kind::kInterrupted, Phase::kPreflight, "stopped during pre-flight"};
  }
  if (!failed.empty()) {
    std::string names;
    for (const auto& n : failed) {
      names += (names.empty() ? "" : ", ") + n;
    }
    return failedBeforeSwitch("pre-flight failed: " + names);
  }
  return advance(record, Phase::kPreflight);
}

PhaseEnd EngineRun::snapshot(Record& record) {
  if (!config_.snapshot) {
    step(record, Phase::kSnapshot, "snapshot", StepResult::kSkipped, "no snapshot configured");
    return advance(record, Phase::kSnapshot);
  }
  HookVariables vars = variables(record, Phase::kSnapshot, "snapshot");
  auto id = snapshotId(config_.snapshot->idTemplate, vars);
  if (!id.ok()) {
    return failedBeforeSwitch("snapshot id: " + id.error().message);
  }
  // The id goes into the record before the snapshot starts: a resume then polls for it
  // instead of starting a second one.
  const bool resume = record.snapshotId == *id;
  if (!resume) {
    record.snapshotId = *id;
    if (Status s = write(record); !s.ok()) {
      return {PhaseEnd::Kind::kError, Phase::kSnapshot, s.error().message};
    }
  }
  SnapshotSpec spec = *config_.snapshot;
  spec.timeout = std::min(spec.timeout, remaining(Phase::kSnapshot));  // polls end with the bound
  auto taken = takeSnapshot(parts_.hooks, parts_.stop, spec, vars, resume);
  if (!taken.ok()) {
    if (parts_.stop.stopRequested()) {
      return {PhaseEnd::Kind::kInterrupted, Phase::kSnapshot, "stopped during the snapshot"};
    }
    step(record, Phase::kSnapshot, "snapshot", StepResult::kFailed, taken.error().message);
    return failedBeforeSwitch("snapshot " + *id + " failed: " + taken.error().message);
  }
  step(record, Phase::kSnapshot, "snapshot", StepResult::kOk,
       taken->id + (taken->alreadyDone ? " (already done)" : "") + " after " +
           std::to_string(taken->polls) + " polls");
  return advance(record, Phase::kSnapshot);
}

PhaseEnd EngineRun::deployGreen(Record& record) {
  if (config_.deploy.kind == DeploySpec::Kind::kKubernetes) {
    return deployGreenBuiltIn(record);
  }
  if (!runCheck(record, Phase::kDeployGreen, "deploy", config_.deploy.hook)) {
    if (parts_.stop.stopRequested()) {
      return {PhaseEnd::Kind::kInterrupted, Phase::kDeployGreen, "stopped during the deploy"};
    }
    return failedBeforeSwitch("deploying green failed");
  }
  return advance(record, Phase::kDeployGreen);
}

PhaseEnd EngineRun::smoke(Record& record) {
  auto secrets = readSmokeSecrets(config_.smoke.secrets);
  if (!secrets.ok()) {
    step(record, Phase::kSmoke, "secrets", StepResult::kFailed, secrets.error().message);
    return failedBeforeSwitch("smoke secrets: " + secrets.error().message);
  }
  SmokeRunner runner(parts_.http, parts_.stop);
  const SmokeReport report =
      runner.run(config_.smoke, variables(record, Phase::kSmoke, "smoke"), *secrets);
  for (const auto& s : report.steps) {
    step(record, Phase::kSmoke, "smoke:" + s.name,
         s.skipped  ? StepResult::kSkipped
         : s.passed ? StepResult::kOk
                    : StepResult::kFailed,
         s.detail);
  }
  if (parts_.stop.stopRequested()) {
    return {PhaseEnd::Kind::kInterrupted, Phase::kSmoke, "stopped during the smoke tests"};
  }
  if (!report.passed) {
    return failedBeforeSwitch("smoke tests failed");
  }
  return advance(record, Phase::kSmoke);
}

}  // namespace nova::rollout::detail
