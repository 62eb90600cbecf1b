#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nova/core/clock.h"
#include "nova/core/random.h"
#include "nova/core/result.h"
#include "nova/notify/notifier.h"
#include "nova/notify/receiver.h"
#include "nova/rollout/config.h"
#include "nova/rollout/engine.h"

namespace nova::rollout {

/// What the team channel hears about engine event `e` of rollout `rolloutId` of `version`,
/// or nullopt for the events it does not: the start (pre-flight starting), a window
/// override with its reason, the switch to green, and the ends: succeeded, failed before
/// the switch, rolled back, needs a person. The incident id, the dedup key, is
/// "<rollout id>:<event>" ("r-1:switched"): each receiver's delivery ledger skips it when a
/// resumed run emits the same event again, and no queue merges two events into one post.
/// `statusUrl` is the agent's /status or "". Pure.
std::optional<notify::Notification> rolloutNotification(const EngineEvent& e,
                                                        std::string_view rolloutId,
                                                        std::string_view version,
                                                        std::string_view statusUrl);

/// What the rollout's notifications came to, summed over the receivers (-o json).
struct NotifyCounts {
  std::uint64_t delivered = 0;
  /// Skipped because the receiver's ledger had them already (an earlier run sent them).
  std::uint64_t duplicates = 0;
  /// Given up (attempts exhausted, refused) or refused at send().
  std::uint64_t failed = 0;
  /// Still queued when finish() stopped waiting; kept in the receiver's outbox.
  std::uint64_t pending = 0;
};

/// Sends a rollout's (and a rollback's) notifications to the receivers of rollout.yaml's
/// `notifiers:`. Each receiver is the agent's (notify module): its own queue, retries, route, and a
/// durable ledger and outbox in `stateDir` (kept beside the reports, so a re-run on the same runner
/// skips what was delivered and re-sends what was pending). A failing receiver is logged and
/// counted; it never fails the rollout. Not thread-safe: callers serialise.
class RolloutNotifier {
 public:
  /// Errors name the receiver's settings (kInvalidInput) or a state directory that cannot
  /// be used.
  static Result<std::unique_ptr<RolloutNotifier>> create(const std::vector<NotifierSpec>& specs,
                                                         const std::string& stateDir,
                                                         const Clock& clock, Random& random);

  /// Sends the notification of `e`, if it has one, to every receiver.
  void onEvent(const EngineEvent& e, std::string_view rolloutId, std::string_view version,
               std::string_view statusUrl);

  /// Sends `n` to every receiver (`novactl rollback`'s notifications); a refusal is logged
  /// and counted.
  void send(const notify::Notification& n);

  /// Waits up to `timeout` (monotonic) for every receiver to deliver, then counts.
  NotifyCounts finish(DurationMs timeout);

 private:
  RolloutNotifier() = default;
  std::vector<notify::ReceiverPtr> receivers_;
  std::uint64_t refused_ = 0;
};

}  // namespace nova::rollout
