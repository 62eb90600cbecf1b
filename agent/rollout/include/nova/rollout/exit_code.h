#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace nova::rollout {

/// How a novactl command (rollout, rollback, status, report) ended. One number per outcome,
/// the same for every command, so CI branches on the exit code instead of parsing text.
/// 1 is kept for the unexpected (a crash of the logic, an I/O failure nothing can explain)
/// and 2 for usage, so neither can be mistaken for an outcome such as "production untouched".
enum class Outcome {
  kSucceeded,           ///< 0: the command did what it was asked.
  kError,               ///< 1: an unexpected failure; where traffic is was not established.
  kUsage,               ///< 2: bad flags or a bad rollout.yaml; nothing was done.
  kFailedBeforeSwitch,  ///< 3: stopped before the traffic switch; production untouched.
  kRolledBack,          ///< 4: traffic is back on blue, verified.
  kRefused,             ///< 5: refused by the deployment window or another rollout's lease.
  kTimedOut,            ///< 6: a bound ran out; the output says where traffic is.
  kNeedsPerson,         ///< 7: a state the tool must not resolve alone; blue stays warm.
  kParked,              ///< 8: stopped on purpose (a hold, a staged rollback) for a person.
  kInterrupted,         ///< 130: SIGINT or SIGTERM; stopped at a step boundary, resumable.
};

/// The process exit code of `outcome` (see the enum). kInterrupted is 130; a command
/// stopped by SIGTERM may use interruptedExitCode(SIGTERM) = 143 instead.
int exitCode(Outcome outcome);

/// 128 + `signal`, the shell's convention for a process ended by a signal.
int interruptedExitCode(int signal);

/// "succeeded", "error", "usage", "failed_before_switch", "rolled_back", "refused",
/// "timed_out", "needs_person", "parked", "interrupted": stable names for -o json and events.
std::string_view outcomeName(Outcome outcome);

/// One line for people: what the outcome means and what state production is in.
std::string_view outcomeMeaning(Outcome outcome);

/// The outcome whose name is `name`.
std::optional<Outcome> parseOutcome(std::string_view name);

/// Every outcome, in exit-code order.
std::span<const Outcome> allOutcomes();

/// The table for --help and the README, one line per outcome: "  4  rolled_back  ...".
std::string exitCodeTable();

}  // namespace nova::rollout
