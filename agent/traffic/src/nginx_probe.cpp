#include "nginx_probe.h"

#include <algorithm>
#include <set>

#include "nova/http/client.h"

namespace nova::traffic::detail {
namespace {

// Pause between probes through nginx while the new workers start.
constexpr DurationMs kProbePause = 20;
// One probe never waits longer than this, so a stuck connection cannot eat the budget.
constexpr DurationMs kProbeTimeout = kSecond;

}  // namespace

Sighting waitForSides(const NginxSwitchOptions& o, const std::vector<std::string>& expected,
                      DurationMs budget, const Clock& clock) {
  const MonoTime deadline = clock.monoNow() + budget;
  std::set<std::string> missing(expected.begin(), expected.end());
  Sighting seen;
  for (;;) {
    const DurationMs left = deadline - clock.monoNow();
    http::Client client;
    http::Request request;
    request.url = o.verifyUrl;
    request.timeout = std::clamp<DurationMs>(left, 1, kProbeTimeout);
    request.connectTimeout = request.timeout;
    auto response = client.perform(request);
    if (response.ok()) {
      const std::string* value = response->header(o.verifyHeader);
      if (value != nullptr && missing.erase(*value) > 0) {
        if (missing.empty()) {
          seen.seen = true;
          return seen;
        }
      } else {
        seen.last = std::to_string(response->status) + " with " + o.verifyHeader + ": " +
                    (value ? *value : "(none)");
      }
    } else {
      seen.last = response.error().message;
    }
    if (clock.monoNow() + kProbePause >= deadline) {
      return seen;
    }
    clock.sleepFor(kProbePause);
  }
}

}  // namespace nova::traffic::detail
