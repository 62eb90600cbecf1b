// The staged rollback: green's weight lowered (25% by default), green's error rate watched
// for a bound, then green to 0 when it keeps failing (or gives no data), or parked for a
// person when it looks healthy. A run on a parked record continues: green to 0.
//
// The error rate comes from green's own /metrics, not from the agent's /status: a rollback
// must work with the agent dead, and the agent may be disarmed or judging an incident it
// already acted on; green's counters are the agent's own source, read here directly.
#include <cstdio>

#include "rollback_run.h"

namespace nova::rollout::detail {
namespace {

constexpr DurationMs kScrapeTimeout = 5 * kSecond;

struct Counters {
  double requests = 0;
  double errors = 0;
};

Result<Counters> readCounters(RollbackRun& run) {
  const StagedRollbackSpec& spec = run.config.rollback.staged;
  http::Request request;
  request.url = spec.metricsUrl;
  request.timeout = kScrapeTimeout;
  auto response = run.parts.http.perform(request);
  if (!response.ok()) {
    return response.error();
  }
  if (response->status != 200) {
    return Error(ErrorCode::kUnavailable,
                 spec.metricsUrl + " answered " + std::to_string(response->status));
  }
  auto counters = parseRequestCounters(response->body, spec.requestsMetric, spec.errorsMetric);
  if (!counters.ok()) {
    return counters.error();
  }
  return Counters{counters->first, counters->second};
}

std::string percent(double share) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f%%", share * 100.0);
  return text;
}

// What the watch saw: the error rate over the whole watch, or nullopt for no data.
struct Verdict {
  std::optional<double> rate;
  std::string detail;
  bool stopped = false;
};

Verdict watchGreen(RollbackRun& run, DurationMs watch) {
  const StagedRollbackSpec& spec = run.config.rollback.staged;
  run.say({"watch", "start", "info",
           "watching green's error rate for " + formatDuration(watch) + " from " + spec.metricsUrl +
               " (green's own counters: this works with the agent dead)"});
  std::optional<Counters> first;
  std::string lastError;
  if (auto c = readCounters(run); c.ok()) {
    first = *c;
  } else {
    lastError = c.error().message;
  }
  Verdict verdict;
  const MonoTime until = run.parts.clock.monoNow() + watch;
  while (run.parts.clock.monoNow() < until) {
    const DurationMs left = until - run.parts.clock.monoNow();
    if (run.parts.stop.waitFor(std::min(spec.pollInterval, left))) {
      verdict.stopped = true;
      return verdict;
    }
    if (Status s = run.renewLease(); !s.ok()) {
      verdict.detail = "the lease was lost: " + s.error().message;
      verdict.stopped = true;
      return verdict;
    }
    auto now = readCounters(run);
    if (!now.ok()) {
      lastError = now.error().message;
      continue;
    }
    if (!first) {
      first = *now;  // the watch counts from the first reading that answered
      continue;
    }
    const auto judged = errorRateBetween(first->requests, first->errors, now->requests, now->errors,
                                         spec.minRequests);
    verdict.rate = judged;
    if (judged && *judged > spec.maxErrorRate) {
      verdict.detail = "error rate " + percent(*judged) + " > " + percent(spec.maxErrorRate);
      return verdict;  // failing at the lowered weight: no reason to wait out the bound
    }
  }
  if (!verdict.rate) {
    verdict.detail = "no data: fewer than " + std::to_string(spec.minRequests) +
                     " requests to green were seen" +
                     (lastError.empty() ? "" : " (last error: " + lastError + ")");
  } else {
    verdict.detail = "error rate " + percent(*verdict.rate) +
                     (*verdict.rate > spec.maxErrorRate ? " > " : " <= ") +
                     percent(spec.maxErrorRate) + " over " + formatDuration(watch);
  }
  return verdict;
}

// Green to 0, recorded with the record's phase rolled back.
void toZero(RollbackRun& run, std::int64_t current, const std::string& why) {
  traffic::WeightedSwitch& weights = run.parts.traffic.weights();
  if (current != 0) {
    run.say({"weight", "set", "info",
             "green's weight " + std::to_string(current) + " -> 0 (" + why + ")"},
            true);
    auto set = weights.setGreenWeight(current, 0);
    if (!set.ok()) {
      finish(run, Outcome::kNeedsPerson,
             "setting green's weight to 0 failed: " + set.error().message);
      return;
    }
    run.say({"weight", "set", "ok", *set});
  }
  if (Status s = run.reread(); !s.ok() || run.read->side != TrafficSide::kBlue) {
    finish(run, Outcome::kNeedsPerson,
           "traffic is not verified on blue: " + (s.ok() ? run.read->detail : s.error().message));
    return;
  }
  run.result.greenWeight = 0;
  if (run.read->record->phase != Phase::kRolledBack) {
    Status s = run.record(RollbackRun::stepName("green-weight-0"),
                          "--option staged: green's weight 0 (" + why + ")", [](Record& next) {
                            next.phase = Phase::kRolledBack;
                            next.stoppedIn.reset();
                          });
    if (!s.ok()) {
      finish(run, Outcome::kError, "traffic on blue but not recorded: " + s.error().message);
      return;
    }
  }
  run.announce({"weight", "zero", "ok",
                "green's weight 0, traffic verified on blue (" + run.read->detail + "); " + why},
               RollbackNotice::kToZero);
  finish(run, Outcome::kRolledBack,
         "rolled back (staged): green's weight 0, traffic verified on blue (" + run.read->detail +
             "); " + why);
}

}  // namespace

void runStagedOption(RollbackRun& run) {
  traffic::WeightedSwitch& weights = run.parts.traffic.weights();
  auto current = weights.greenWeight();
  if (!current.ok()) {
    const bool usage = current.error().code == ErrorCode::kInvalidInput;
    finish(run, usage ? Outcome::kUsage : Outcome::kError,
           "--option staged: " + current.error().message + "; nothing changed");
    return;
  }
  const std::int64_t weight = run.order.weight.value_or(run.config.rollback.staged.weight);
  if (weight < 1 || weight > 99) {
    finish(run, Outcome::kUsage,
           "--weight must be 1-99 (green's share in percent), not " + std::to_string(weight));
    return;
  }
  if (!run.read->record) {
    finish(run, Outcome::kUsage,
           run.parts.traffic.describe() + " has no rollout record to park on; use --option switch");
    return;
  }
  if (run.config.rollback.staged.metricsUrl.empty()) {
    finish(run, Outcome::kUsage,
           "--option staged needs green's /metrics: set rollback.staged.metrics_url (or "
           "smoke.base_url)");
    return;
  }
  const bool wasParked =
      run.read->record->phase == Phase::kParked && run.recorded(RollbackRun::stepName("parked"));
  const std::string plan = wasParked ? "continuing the parked staged rollback: green's weight to 0"
                           : current->percent == 0
                               ? "traffic is already on blue"
                               : "green's weight to " + std::to_string(weight) + ", then watched";
  if (Status s = run.begin(plan); !s.ok()) {
    finish(run, Outcome::kError, "taking the lease: " + s.error().message);
    return;
  }
  const bool parked =
      run.read->record->phase == Phase::kParked && run.recorded(RollbackRun::stepName("parked"));
  if (current->percent == 0 || parked) {
    toZero(run, current->percent,
           parked ? "continuing the parked staged rollback" : "traffic was already on blue");
    return;
  }
  if (Status s = run.restoreBlue(); !s.ok()) {
    failStep(run, Outcome::kNeedsPerson,
             s.error().message + "; green's weight is still " + std::to_string(current->percent));
    return;
  }
  if (stoppedAtBoundary(run)) {
    return;
  }
  const std::string step = RollbackRun::stepName("green-weight-" + std::to_string(weight));
  if (current->percent != weight) {
    run.say(
        {"weight", "set", "info",
         "green's weight " + std::to_string(current->percent) + " -> " + std::to_string(weight)},
        true);
    auto set = weights.setGreenWeight(current->percent, weight);
    if (!set.ok()) {
      finish(run,
             set.error().code == ErrorCode::kConflict ? Outcome::kNeedsPerson : Outcome::kError,
             "setting green's weight failed: " + set.error().message);
      return;
    }
    run.say({"weight", "set", "ok", *set});
  }
  if (!run.recorded(step)) {
    if (Status s = run.record(step, "--option staged: green's weight " + std::to_string(weight));
        !s.ok()) {
      finish(run, Outcome::kError, "green's weight set but not recorded: " + s.error().message);
      return;
    }
  }
  const Verdict verdict =
      watchGreen(run, run.order.watch.value_or(run.config.rollback.staged.watch));
  if (verdict.stopped) {
    const std::string what = "watching green at weight " + std::to_string(weight) + " ended" +
                             (verdict.detail.empty() ? "" : ": " + verdict.detail);
    failStep(run, Outcome::kError,
             run.parts.stop.stopRequested() ? what
                                            : what + "; run the staged rollback again to continue");
    run.result.greenWeight = weight;
    return;
  }
  if (!verdict.rate || *verdict.rate > run.config.rollback.staged.maxErrorRate) {
    toZero(run, weight, verdict.detail);
    return;
  }
  Status s = run.record(
      RollbackRun::stepName("parked"),
      "--option staged: parked at green weight " + std::to_string(weight) + "; " + verdict.detail,
      [](Record& next) {
        // A resume works from a run phase; green is live and watched, as in
        // the monitoring phase, whatever phase the rollout had reached.
        const Phase from = next.effectivePhase();
        next.stoppedIn = isFinished(from) || isStopped(from) ? Phase::kMonitor : from;
        next.phase = Phase::kParked;
      });
  if (!s.ok()) {
    finish(run, Outcome::kError, "parking was not recorded: " + s.error().message);
    return;
  }
  run.result.greenWeight = weight;
  run.announce({"watch", "parked", "ok",
                "parked at green weight " + std::to_string(weight) + " (" + verdict.detail +
                    "); run `novactl rollback --option staged` again to send green to 0"},
               RollbackNotice::kParked);
  finish(run, Outcome::kParked,
         "parked at green weight " + std::to_string(weight) + " (" + verdict.detail +
             "); run `novactl rollback --option staged` again to send green to 0");
}

}  // namespace nova::rollout::detail
