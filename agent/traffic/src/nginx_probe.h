#pragma once

#include <string>
#include <vector>

#include "nova/core/clock.h"
#include "nova/core/time.h"
#include "nova/traffic/nginx_switch.h"

namespace nova::traffic::detail {

/// What the probes through nginx saw.
struct Sighting {
  /// Every expected side answered.
  bool seen = false;
  /// What the last probe that did not help saw, for the detail of a failure.
  std::string last;
};

/// Asks nginx (o.verifyUrl) on a fresh connection each time, since new connections go to
/// the new workers, which are the ones that read the new include, until answers carrying
/// o.verifyHeader with each value of `expected` have been seen, or `budget` ms of `clock`
/// have passed (pausing 20 ms between probes on `clock`).
Sighting waitForSides(const NginxSwitchOptions& o, const std::vector<std::string>& expected,
                      DurationMs budget, const Clock& clock);

}  // namespace nova::traffic::detail
