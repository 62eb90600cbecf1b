// Phase 2's built-in deploy (deploy.kubernetes): the new image on green's Deployment
// through the API, then the wait for Kubernetes' own "rollout complete".
#include <algorithm>

#include "engine_run.h"
#include "nova/rollout/green_deploy.h"

namespace nova::rollout::detail {
namespace {

// How often the Deployment is read while its rollout runs.
constexpr DurationMs kDeployPoll = 2 * kSecond;

}  // namespace

PhaseEnd EngineRun::deployGreenBuiltIn(Record& record) {
  const DeploySpec& spec = config_.deploy;
  auto image = expandVariables(spec.image, variables(record, Phase::kDeployGreen, "deploy"));
  if (!image.ok()) {
    step(record, Phase::kDeployGreen, "deploy", StepResult::kFailed, image.error().message);
    return {PhaseEnd::Kind::kFinish, Phase::kFailedBeforeSwitch,
            "deploy: " + image.error().message};
  }
  const WithCluster cluster = [this](const std::function<void(kube::Client&)>& use) {
    return store_.withObject([&](TrafficObject& t) {
      kube::Client* client = t.cluster();
      if (client != nullptr) {
        use(*client);
      }
      return client != nullptr;
    });
  };
  // The phase's bound caps the configured one: whichever ends first ends the wait.
  const DurationMs bound = std::min(spec.timeout, remaining(Phase::kDeployGreen));
  auto deployed = deployGreenImage(
      cluster, spec, *image, parts_.stop, bound, kDeployPoll, [&](const std::string& what) {
        event(Phase::kDeployGreen, "deploy", "info", what + "; waiting for the rollout");
      });
  if (parts_.stop.stopRequested()) {
    return {PhaseEnd::Kind::kInterrupted, Phase::kDeployGreen, "stopped during the deploy"};
  }
  if (!deployed.ok()) {
    step(record, Phase::kDeployGreen, "deploy", StepResult::kFailed, deployed.error().message);
    if (deployed.error().code == ErrorCode::kTimeout && pastDeadline(Phase::kDeployGreen)) {
      return timedOut(Phase::kDeployGreen);
    }
    return {PhaseEnd::Kind::kFinish, Phase::kFailedBeforeSwitch,
            "deploying green failed: " + deployed.error().message};
  }
  step(record, Phase::kDeployGreen, "deploy", StepResult::kOk,
       deployed->detail + " after " + std::to_string(deployed->polls) + " polls");
  return advance(record, Phase::kDeployGreen);
}

}  // namespace nova::rollout::detail
