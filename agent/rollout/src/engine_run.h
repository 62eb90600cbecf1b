#pragma once

#include <map>
#include <optional>
#include <string>

#include "nova/rollout/engine.h"
#include "nova/rollout/record_store.h"

namespace nova::rollout::detail {

/// How one phase ended.
struct PhaseEnd {
  enum class Kind {
    kNext,         ///< Done; the record moved to the next phase (written).
    kAgain,        ///< Nothing decided (a write conflict): read and judge again.
    kFinish,       ///< End the rollout in `phase` (written by the loop).
    kTimedOut,     ///< A bound ran out; the record is left as it is.
    kInterrupted,  ///< A stop was requested; the record is left as it is.
    kRefused,      ///< The deployment window refused; the record is left as it is.
    kError,        ///< Reading or writing failed.
  };
  Kind kind = Kind::kNext;
  Phase phase = Phase::kDone;
  std::string reason;
};

/// One run of the engine: its state and the phases. Split over engine.cpp (the loop),
/// engine_phases.cpp (pre-flight to smoke) and engine_switch.cpp (switch and clean-up).
class EngineRun {
 public:
  EngineRun(const RolloutConfig& config, EngineParts& parts, const EngineOptions& options,
            const std::function<void(const EngineEvent&)>& events);

  EngineResult run();

 private:
  // engine.cpp
  LiveState live(const TrafficRead& read, bool withAgent);
  EngineResult end(Outcome outcome, std::string message);
  EngineResult finish(Record record, NextStep next, const LiveState& live);
  void event(Phase phase, const std::string& step, const std::string& result,
             const std::string& detail);
  /// Appends a step to `record` and sends it as an event.
  void step(Record& record, Phase phase, const std::string& name, StepResult result,
            const std::string& detail);
  Status write(const Record& record);
  HookVariables variables(const Record& record, Phase phase, const std::string& step) const;
  /// When work on `phase` must stop: its group's bound from when this run entered the
  /// group, or the run's overall bound.
  Deadline boundOf(Phase phase);
  MonoTime deadline(Phase phase);
  /// Until deadline(phase), at least 1 ms: what a wait or a hook inside the phase may take.
  DurationMs remaining(Phase phase);
  /// The end of a phase whose bound ran out, saying which bound.
  PhaseEnd timedOut(Phase phase);
  bool pastDeadline(Phase phase);
  PhaseEnd runPhase(Phase phase, Record& record, const TrafficRead& read);
  PhaseEnd advance(Record& record, Phase from);
  PhaseEnd windowCheck(Record& record, Phase phase);
  // The refusal of a fresh start outside the window (no record of this id yet), decided
  // before the lease so that a refused run writes nothing; nullopt otherwise. A resume is
  // checked under the lease by windowCheck, which knows whether it is past the switch.
  std::optional<std::string> freshStartRefusal();
  std::string writeReport(const Record& record, Outcome outcome);

  // engine_phases.cpp
  PhaseEnd preflight(Record& record, const TrafficRead& read);
  PhaseEnd snapshot(Record& record);
  PhaseEnd deployGreen(Record& record);
  // engine_deploy.cpp
  PhaseEnd deployGreenBuiltIn(Record& record);
  PhaseEnd smoke(Record& record);
  bool runCheck(Record& record, Phase phase, const std::string& name, const CommandSpec& spec);

  // engine_switch.cpp
  PhaseEnd switchTraffic(Record& record, const TrafficRead& read);
  PhaseEnd verifyPublic(Record& record);
  PhaseEnd cleanupBlue(Record& record);

  const RolloutConfig& config_;
  EngineParts& parts_;
  const EngineOptions& options_;
  const std::function<void(const EngineEvent&)>& events_;
  RecordStore store_;
  MonoTime runStarted_;
  std::map<Phase, MonoTime> phaseStarted_;
  std::map<Phase, DurationMs> spent_;
  std::optional<Record> lastRecord_;
  TrafficSide lastSide_ = TrafficSide::kUnknown;
  bool windowChecked_ = false;
};

}  // namespace nova::rollout::detail
