#include "nova/rollout/exit_code.h"

#include <algorithm>
#include <array>

namespace nova::rollout {
namespace {

struct Row {
  Outcome outcome;
  int code;
  std::string_view name;
  std::string_view meaning;
};

constexpr std::array<Row, 10> kRows{{
    {Outcome::kSucceeded, 0, "succeeded", "done; for rollout: green serves all traffic"},
    {Outcome::kError, 1, "error",
     "unexpected failure; where traffic is was not established (run novactl status)"},
    {Outcome::kUsage, 2, "usage", "bad flags or configuration; nothing was done"},
    {Outcome::kFailedBeforeSwitch, 3, "failed_before_switch",
     "stopped before the traffic switch; production untouched"},
    {Outcome::kRolledBack, 4, "rolled_back", "traffic is back on blue, verified"},
    {Outcome::kRefused, 5, "refused",
     "refused by the deployment window or another rollout's lease; nothing was done"},
    {Outcome::kTimedOut, 6, "timed_out",
     "a time bound ran out; the output says where traffic is, the agent keeps guarding green"},
    {Outcome::kNeedsPerson, 7, "needs_person",
     "a person must decide; blue is kept warm and nothing is scaled down"},
    {Outcome::kParked, 8, "parked",
     "stopped on purpose for a person: a staged rollback parked at its weight"},
    {Outcome::kInterrupted, 130, "interrupted",
     "SIGINT/SIGTERM (143 after SIGTERM); stopped at a step boundary, re-run to resume"},
}};

const Row& rowOf(Outcome outcome) {
  for (const Row& row : kRows) {
    if (row.outcome == outcome) {
      return row;
    }
  }
  return kRows[1];
}

}  // namespace

int exitCode(Outcome outcome) {
  return rowOf(outcome).code;
}

int interruptedExitCode(int signal) {
  return 128 + signal;
}

std::string_view outcomeName(Outcome outcome) {
  return rowOf(outcome).name;
}

std::string_view outcomeMeaning(Outcome outcome) {
  return rowOf(outcome).meaning;
}

std::optional<Outcome> parseOutcome(std::string_view name) {
  for (const Row& row : kRows) {
    if (row.name == name) {
      return row.outcome;
    }
  }
  return std::nullopt;
}

std::span<const Outcome> allOutcomes() {
  static const std::array<Outcome, kRows.size()> outcomes = [] {
    std::array<Outcome, kRows.size()> out{};
    for (std::size_t i = 0; i < kRows.size(); ++i) {
      out[i] = kRows[i].outcome;
    }
    return out;
  }();
  return outcomes;
}

std::string exitCodeTable() {
  std::size_t width = 0;
  for (const Row& row : kRows) {
    width = std::max(width, row.name.size());
  }
  std::string out = "Exit codes:\n";
  for (const Row& row : kRows) {
    std::string code = std::to_string(row.code);
    out += std::string(5 - code.size(), ' ') + code + "  " + std::string(row.name) +
           std::string(width - row.name.size() + 2, ' ') + std::string(row.meaning) + "\n";
  }
  return out;
}

}  // namespace nova::rollout
