// --dry-run of `novactl rollback`: the steps the option would take from where things are
// now, with the exact patches and commands, computed from one read; nothing changes.
#include <boost/json.hpp>

#include "nova/rollout/record_patch.h"
#include "nova/rollout/rollback_notify.h"
#include "rollback_run.h"

namespace nova::rollout::detail {
namespace {

class Plan {
 public:
  void step(const std::string& text) { text_ += "  " + std::to_string(++n_) + ". " + text + "\n"; }
  void note(const std::string& text) { text_ += "     " + text + "\n"; }
  std::string text() const { return text_; }

 private:
  int n_ = 0;
  std::string text_;
};

std::string orError(const Result<std::string>& r) {
  return r.ok() ? *r : "(cannot be computed: " + r.error().message + ")";
}

void planLease(RollbackRun& run, Plan& plan) {
  const TrafficRead& read = *run.read;
  const std::string holder = read.record ? read.record->rolloutId : "rollback";
  LeaseRequest request{holder, run.order.instance, run.order.who, std::nullopt,
                       run.config.leaseDuration};
  auto patch = leasePatch(read.object, acquireLease(request, read.lease, run.parts.clock.now()));
  plan.step("take the lease from " + (read.lease ? read.lease->holder : std::string("nobody")) +
            " (a rollback pre-empts a running rollout)");
  plan.note(patch.ok() ? "patch " + run.parts.traffic.describe() + ": " +
                             boost::json::serialize(patch->ops)
                       : "(cannot be computed: " + patch.error().message + ")");
}

void planBlue(RollbackRun& run, Plan& plan) {
  const auto& record = run.read->record;
  if (record && record->blue && record->blue->replicas > 0) {
    if (run.recorded(RollbackRun::stepName("blue-scaled"))) {
      plan.step("blue already scaled back (recorded); wait until " +
                std::to_string(record->blue->replicas) + " replicas are ready");
      return;
    }
    plan.step("scale blue back to " + std::to_string(record->blue->replicas) +
              " replicas and wait until they are ready (bound " +
              formatDuration(run.config.bounds.switchTraffic) + ")");
    plan.note("PATCH deployments/" + run.config.blue.deployment +
              "/scale (application/merge-patch+json): {\"spec\":{\"replicas\":" +
              std::to_string(record->blue->replicas) + "}}");
  } else {
    plan.step("blue's health is checked by the switch's blue guard (no replicas recorded)");
  }
}

void planFlip(RollbackRun& run, Plan& plan) {
  auto flip = run.parts.traffic.planToBlue();
  if (flip.ok() && flip->empty()) {
    plan.step("traffic is already on blue: no flip (" + run.read->detail + ")");
  } else {
    plan.step("move " + run.parts.traffic.describe() + " to blue, then read it back");
    plan.note(orError(flip));
  }
  if (run.read->record) {
    plan.step("record the rollback: the record's phase becomes rolled-back");
  }
}

void planFull(RollbackRun& run, Plan& plan) {
  const FullRollbackSpec& full = run.config.rollback.full;
  if (run.recorded(RollbackRun::stepName("green-removed"))) {
    plan.step("green already removed (recorded): nothing");
  } else if (full.removeGreen) {
    plan.step("remove green: run " + full.removeGreen->describe() + " (timeout " +
              formatDuration(full.removeGreen->timeout) + ")");
  } else if (!full.deployment.empty()) {
    plan.step("scale green Deployment " + full.deployment +
              " to 0 and wait until no pod is left (bound " + formatDuration(full.timeout) + ")");
    plan.note("PATCH deployments/" + full.deployment +
              "/scale (application/merge-patch+json): {\"spec\":{\"replicas\":0}}");
  } else {
    plan.step("refused: no rollback.full.remove_green and no green Deployment configured");
  }
}

void planStaged(RollbackRun& run, Plan& plan) {
  const StagedRollbackSpec& spec = run.config.rollback.staged;
  traffic::WeightedSwitch& weights = run.parts.traffic.weights();
  auto current = weights.greenWeight();
  if (!current.ok()) {
    plan.step("refused: " + current.error().message);
    return;
  }
  const std::int64_t weight = run.order.weight.value_or(spec.weight);
  const bool parked = run.read->record && run.read->record->phase == Phase::kParked &&
                      run.recorded(RollbackRun::stepName("parked"));
  plan.note("green's weight now: " + std::to_string(current->percent) + " (" + current->detail +
            ")");
  if (parked || current->percent == 0) {
    plan.step(parked ? "continue the parked staged rollback: green's weight to 0"
                     : "traffic is already on blue: record it");
    plan.note(orError(weights.planGreenWeight(0)));
    return;
  }
  planBlue(run, plan);
  plan.step("set green's weight " + std::to_string(current->percent) + " -> " +
            std::to_string(weight) + " (compare-and-swap)");
  plan.note(orError(weights.planGreenWeight(weight)));
  plan.step("watch green's error rate for " + formatDuration(run.order.watch.value_or(spec.watch)) +
            " from " + spec.metricsUrl + " (every " + formatDuration(spec.pollInterval) + ")");
  plan.step("above " + std::to_string(spec.maxErrorRate) + " or under " +
            std::to_string(spec.minRequests) + " requests: green's weight to 0 (exit 0)");
  plan.note(orError(weights.planGreenWeight(0)));
  plan.step("else park at weight " + std::to_string(weight) +
            ": the record's phase becomes parked (exit 8)");
}

void planDb(RollbackRun& run, Plan& plan) {
  const auto& record = run.read->record;
  const auto& restore = run.config.rollback.db.restore;
  const std::string snapshot = record ? record->snapshotId : "";
  if (snapshot.empty()) {
    plan.step("refused: the record names no database snapshot");
  } else if (run.order.confirm != snapshot) {
    plan.step("refused without --confirm " + snapshot + " (the recorded snapshot)");
  } else if (!restore) {
    plan.step("refused: rollback.db.restore is not configured");
  } else if (run.recorded(RollbackRun::stepName("db-restored"))) {
    plan.step("snapshot " + snapshot + " already restored (recorded): nothing");
  } else {
    plan.step("run " + restore->describe() + " with NOVA_SNAPSHOT_ID=" + snapshot + " (timeout " +
              formatDuration(restore->timeout) + ")");
    plan.step("record it; traffic is not touched");
  }
}

void planNotifications(RollbackRun& run, Plan& plan) {
  const std::string receivers = describeReceivers(run.config.notifiers);
  if (receivers.empty()) {
    plan.step("tell the team: nothing, no notifiers are configured");
    return;
  }
  const std::string id = run.read->record ? run.read->record->rolloutId : "unrecorded-<start>";
  std::string keys;
  for (RollbackNotice notice : plannedNotices(run.order.option)) {
    keys += (keys.empty() ? "" : ", ") + rollbackNotificationKey(id, run.order.option, notice);
  }
  plan.step("tell the team through " + receivers + " (this dry run sends nothing)");
  plan.note("as it goes: " + keys + "; on a failure " +
            rollbackNotificationKey(id, run.order.option, RollbackNotice::kFailed, "<stage>") +
            " (a key a receiver delivered before is not sent again)");
}

}  // namespace

void planRollback(RollbackRun& run) {
  Plan plan;
  const TrafficRead& read = *run.read;
  plan.note("traffic now: " + std::string(trafficSideName(read.side)) + " (" + read.detail + ")");
  if (read.record) {
    plan.note("record: rollout " + read.record->rolloutId + " of " + read.record->version +
              ", phase " + std::string(phaseName(read.record->phase)));
  }
  planLease(run, plan);
  switch (run.order.option) {
    case RollbackOption::kSwitch:
      planBlue(run, plan);
      planFlip(run, plan);
      break;
    case RollbackOption::kFull:
      planBlue(run, plan);
      planFlip(run, plan);
      planFull(run, plan);
      break;
    case RollbackOption::kStaged:
      planStaged(run, plan);
      break;
    case RollbackOption::kDb:
      planDb(run, plan);
      break;
  }
  planNotifications(run, plan);
  run.result.plan = "rollback --option " + std::string(rollbackOptionName(run.order.option)) +
                    " (dry run: nothing changes)\n" + plan.text();
  finish(run, Outcome::kSucceeded, "dry run: nothing changed");
}

}  // namespace nova::rollout::detail
