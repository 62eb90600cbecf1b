#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "nova/core/clock.h"
#include "nova/core/result.h"
#include "nova/core/time.h"
#include "nova/http/client.h"
#include "nova/rollout/config.h"
#include "nova/rollout/exit_code.h"
#include "nova/rollout/hook.h"
#include "nova/rollout/record.h"
#include "nova/rollout/resume.h"
#include "nova/rollout/stop.h"
#include "nova/rollout/svg_rasterizer.h"
#include "nova/rollout/traffic_object.h"
#include "nova/rollout/window.h"

namespace nova::rollout {

/// What `novactl rollout` was asked.
struct EngineOptions {
  std::string rolloutId;
  std::string version;
  /// This run ("host/pid/random") and who started it (a CI job, a person).
  std::string instance;
  std::string who;
  std::optional<std::string> takeOver;
  std::optional<WindowOverride> windowOverride;
  /// Overall bound of this run; 0 keeps the config's bounds.overall.
  DurationMs timeout = 0;
  /// `--skip-check NAME --reason TEXT`: pre-flight steps recorded as skipped (with `who`
  /// and the reason) instead of run. Names must be preflightCheckNames() of the config.
  std::map<std::string, std::string> skipChecks{};
};

/// One line of the rollout's progress (--events jsonl, the terminal).
struct EngineEvent {
  TimestampMs at = 0;
  /// phaseName() of the phase it belongs to, or "rollout" for decisions about the run.
  std::string phase;
  std::string step;
  /// "ok", "failed", "skipped", or "info".
  std::string result;
  std::string detail;
};

/// How long this run spent in a phase (monotonic).
struct PhaseTiming {
  Phase phase = Phase::kPreflight;
  DurationMs elapsed = 0;
};

/// How the run ended.
struct EngineResult {
  Outcome outcome = Outcome::kError;
  std::string message;
  /// The record as last read or written.
  std::optional<Record> record;
  TrafficSide traffic = TrafficSide::kUnknown;
  std::vector<PhaseTiming> timings;
  /// The incident report written on a rollback; "" when none.
  std::string reportPath;
};

/// What the engine talks to; owned by the caller, all outliving the engine.
struct EngineParts {
  TrafficObject& traffic;
  /// Moves traffic back to blue (the guarded traffic Switch, as the agent's): used when
  /// green does not answer through the public URL after the switch. Returns what was done;
  /// an error when traffic could not be moved.
  std::function<Result<std::string>(const std::string& reason)> flipBack;
  http::Client& http;
  HookRunner& hooks;
  StopSource& stop;
  const Clock& clock;
  const Window& window;
  /// Makes the report's PNG charts; empty: SVG only.
  SvgRasterizer png = {};
};

/// Runs the runbook's procedure for one rollout: takes the lease (renewed while it runs),
/// then repeatedly reads the traffic object and the agent and asks nextStep() what to do,
/// runs that phase, and writes the record before the step counts. So a fresh run, a run
/// resumed after a kill and an uninterrupted run take the same decisions. A stop request
/// (SIGINT, SIGTERM) ends the run at the next step boundary with kInterrupted, the record
/// consistent. Not thread-safe; one run per Engine.
class Engine {
 public:
  Engine(const RolloutConfig& config, EngineParts parts,
         std::function<void(const EngineEvent&)> events = {});

  EngineResult run(const EngineOptions& options);

 private:
  const RolloutConfig& config_;
  EngineParts parts_;
  std::function<void(const EngineEvent&)> events_;
};

}  // namespace nova::rollout
