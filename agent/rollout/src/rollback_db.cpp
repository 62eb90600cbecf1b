// Option 2, the database restore: never automatic. The person names the snapshot to
// restore, and it must be the one the rollout took, so a typo or an old id restores nothing.
#include "rollback_run.h"

namespace nova::rollout::detail {

void runDbOption(RollbackRun& run) {
  const std::optional<CommandSpec>& restore = run.config.rollback.db.restore;
  if (!run.read->record || run.read->record->snapshotId.empty()) {
    finish(run, Outcome::kUsage,
           "--option db: " + run.parts.traffic.describe() +
               " records no database snapshot for this rollout; nothing to restore");
    return;
  }
  const std::string snapshot = run.read->record->snapshotId;
  if (run.order.confirm != snapshot) {
    finish(run, Outcome::kUsage,
           std::string("--option db restores the database and needs the snapshot confirmed") +
               (run.order.confirm.empty() ? "" : " (\"" + run.order.confirm + "\" is not it)") +
               ": the rollout recorded snapshot " + snapshot + "; pass --confirm " + snapshot);
    return;
  }
  if (!restore) {
    finish(run, Outcome::kUsage, "--option db needs rollback.db.restore in the config");
    return;
  }
  if (Status s = run.begin("restoring snapshot " + snapshot + " (confirmed)"); !s.ok()) {
    finish(run, Outcome::kError, "taking the lease: " + s.error().message);
    return;
  }
  const std::string step = RollbackRun::stepName("db-restored");
  if (run.recorded(step)) {
    run.announce({"db", "restored", "skipped", "snapshot " + snapshot + " was already restored"},
                 RollbackNotice::kRestored);
    finish(run, Outcome::kSucceeded,
           "snapshot " + snapshot + " was already restored (recorded); nothing run again");
    return;
  }
  const Record& r = *run.read->record;
  HookVariables variables{{"NOVA_ROLLOUT_ID", r.rolloutId},
                          {"NOVA_VERSION", r.version},
                          {"NOVA_SNAPSHOT_ID", snapshot},
                          {"NOVA_PHASE", std::string(phaseName(r.effectivePhase()))},
                          {"NOVA_STEP", "rollback-db:restore"},
                          {"NOVA_GREEN_URL", run.config.smoke.baseUrl},
                          {"NOVA_REPORT_DIR", run.config.reportDir}};
  run.say({"db", "restore", "info", "restoring snapshot " + snapshot + ": " + restore->describe()},
          true);
  auto ran = run.parts.hooks.run(*restore, variables);
  Status checked = ran.ok() ? checkHookResult(*restore, *ran) : Status(ran.error());
  if (!checked.ok()) {
    failStep(run, Outcome::kNeedsPerson,
             "restoring snapshot " + snapshot + " failed: " + checked.error().message);
    return;
  }
  if (Status s = run.record(step, "--option db: snapshot " + snapshot + " restored by " +
                                      restore->describe() + ": " + run.order.reason);
      !s.ok()) {
    finish(run, Outcome::kError, "snapshot restored but not recorded: " + s.error().message);
    return;
  }
  run.announce(
      {"db", "restored", "ok", "snapshot " + snapshot + " restored by " + restore->describe()},
      RollbackNotice::kRestored);
  finish(run, Outcome::kSucceeded, "database restored from snapshot " + snapshot);
}

}  // namespace nova::rollout::detail
