#pragma once

#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "nova/core/clock.h"
#include "nova/core/random.h"
#include "nova/core/result.h"
#include "nova/core/time.h"

namespace nova::traffic {

/// Where user traffic goes now, as far as the switch can tell.
struct TrafficState {
  enum class Backend { kUnknown, kGreen, kBlue };
  Backend backend = Backend::kUnknown;
  /// Free text for /status and logs: the object and field that decide ("ingress nova/user:
  /// service user-green").
  std::string detail;
};

/// "unknown", "green", "blue".
std::string_view toString(TrafficState::Backend backend);

/// Why and by whom traffic is moved back to blue. `incidentId` makes a retried request
/// recognisable as the same flip.
struct RollbackRequest {
  std::string incidentId;
  std::string reason;
  /// "agent" for an automatic decision, or the person who forced it.
  std::string who;
  /// When the rollback was decided (ms since the epoch).
  TimestampMs decidedAt = 0;
};

/// What a rollback attempt did.
struct SwitchOutcome {
  enum class Kind {
    kFlipped,      ///< Traffic moved from green to blue by this call.
    kAlreadyBlue,  ///< Traffic was already on blue; nothing was changed.
    kImpossible,   ///< The flip cannot be done (blue unhealthy, no permission, ...).
  };
  Kind kind = Kind::kFlipped;
  /// What was done or why not, for logs, notifications and /status.
  std::string detail;
};

/// "flipped", "already_blue", "impossible".
std::string_view toString(SwitchOutcome::Kind kind);

/// Moves user traffic between green and blue. Implementations talk to the world (the
/// Kubernetes API, nginx); the agent calls them from its action worker thread only, one call
/// at a time, so they may block (bounded by their own timeouts) and need no locking against
/// themselves.
class Switch {
 public:
  virtual ~Switch() = default;

  /// Flips traffic to blue, at most once for a given state of the world: when traffic is
  /// already on blue the answer is kAlreadyBlue, not a second flip. Errors are transient
  /// failures worth a retry (timeouts, conflicts); kImpossible is a definite no.
  virtual Result<SwitchOutcome> rollback(const RollbackRequest& request) = 0;

  /// Reads where traffic goes now.
  virtual Result<TrafficState> current() = 0;
};

using SwitchPtr = std::unique_ptr<Switch>;

/// The `switch:` section of the agent configuration.
struct SwitchConfig {
  /// One of switchTypes(): "dry-run", "nginx", ...
  std::string type = "dry-run";
  /// Type-specific settings, as strings; each implementation validates its own.
  std::map<std::string, std::string> settings;
};

/// Builds the switch named by `config.type`. `clock` times every wait of the switch (API
/// retries, blue's readiness, nginx's reload and verification) and `random` jitters the API
/// retries; both must outlive the switch. Errors (kInvalidInput, or the code of the cluster
/// configuration that failed) name an unknown type and list the known ones, or name the
/// setting an implementation refused.
Result<SwitchPtr> makeSwitch(const SwitchConfig& config, const Clock& clock, Random& random);

/// The types makeSwitch accepts, for "did you mean ...?" hints.
std::span<const std::string_view> switchTypes();

}  // namespace nova::traffic
