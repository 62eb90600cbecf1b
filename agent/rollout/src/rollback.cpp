// `novactl rollback`: the option's steps over the traffic object, behind one lease.
#include "nova/rollout/rollback.h"

#include <array>

#include "rollback_run.h"

namespace nova::rollout {
namespace {

constexpr std::array<std::pair<RollbackOption, std::string_view>, 4> kNames{
    {{RollbackOption::kSwitch, "switch"},
     {RollbackOption::kFull, "full"},
     {RollbackOption::kStaged, "staged"},
     {RollbackOption::kDb, "db"}}};

constexpr std::array<std::pair<RollbackNotice, std::string_view>, 7> kNotices{
    {{RollbackNotice::kStarted, "started"},
     {RollbackNotice::kOnBlue, "on_blue"},
     {RollbackNotice::kGreenRemoved, "green_removed"},
     {RollbackNotice::kParked, "parked"},
     {RollbackNotice::kToZero, "to_zero"},
     {RollbackNotice::kRestored, "restored"},
     {RollbackNotice::kFailed, "failed"}}};

}  // namespace

std::string_view rollbackNoticeName(RollbackNotice notice) {
  for (auto [n, name] : kNotices) {
    if (n == notice) {
      return name;
    }
  }
  return "failed";
}

std::string_view rollbackOptionName(RollbackOption option) {
  for (auto [o, name] : kNames) {
    if (o == option) {
      return name;
    }
  }
  return "switch";
}

std::optional<RollbackOption> parseRollbackOption(std::string_view name) {
  for (auto [o, n] : kNames) {
    if (n == name) {
      return o;
    }
  }
  return std::nullopt;
}

RollbackResult runRollbackOption(const RolloutConfig& config, RollbackParts parts,
                                 const RollbackOrder& order,
                                 std::function<void(const RollbackEvent&)> events) {
  detail::RollbackRun run(config, parts, order, std::move(events));
  if (Status s = run.reread(); !s.ok()) {
    detail::finish(run, Outcome::kError,
                   "reading " + parts.traffic.describe() + ": " + s.error().message);
    detail::sayEnd(run);
    return run.result;
  }
  if (order.dryRun) {
    detail::planRollback(run);
    return run.result;
  }
  switch (order.option) {
    case RollbackOption::kSwitch:
      detail::runSwitchOption(run);
      break;
    case RollbackOption::kFull:
      detail::runFullOption(run);
      break;
    case RollbackOption::kStaged:
      detail::runStagedOption(run);
      break;
    case RollbackOption::kDb:
      detail::runDbOption(run);
      break;
  }
  run.releaseLease();
  detail::sayEnd(run);
  return run.result;
}

}  // namespace nova::rollout
