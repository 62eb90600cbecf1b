#include "nova/traffic/nginx_switch.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "nginx_files.h"
#include "nginx_reload.h"
#include "nova/http/client.h"

namespace nova::traffic {
namespace {

// Pause between probes through nginx while the new workers start.
constexpr DurationMs kProbePause = 20;
// One probe never waits longer than this, so a stuck connection cannot eat the budget.
constexpr DurationMs kProbeTimeout = kSecond;

struct Sighting {
  bool blue = false;
  /// What the last probe saw, for the detail of a failure.
  std::string last;
};

// Asks nginx on a fresh connection each time: new connections go to the new workers,
// which are the ones that read the new include. The budget and the pauses run on `clock`.
Sighting waitForBlue(const NginxSwitchOptions& o, DurationMs budget, const Clock& clock) {
  const MonoTime deadline = clock.monoNow() + budget;
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
      if (value != nullptr && *value == o.verifyValue) {
        seen.blue = true;
        return seen;
      }
      seen.last = std::to_string(response->status) + " with " + o.verifyHeader + ": " +
                  (value ? *value : "(none)");
    } else {
      seen.last = response.error().message;
    }
    if (clock.monoNow() + kProbePause >= deadline) {
      return seen;
    }
    clock.sleepFor(kProbePause);
  }
}

std::string noteFor(const RollbackRequest& request) {
  return "nova-agent: traffic on blue; incident " + request.incidentId + " by " + request.who +
         ": " + request.reason;
}

}  // namespace

NginxSwitch::NginxSwitch(NginxSwitchOptions options, const Clock& clock)
    : options_(std::move(options)), clock_(clock) {}

NginxSwitch::~NginxSwitch() = default;

Result<SwitchOutcome> NginxSwitch::rollback(const RollbackRequest& request) {
  auto text = detail::readInclude(options_.upstreamFile);
  if (!text.ok()) {
    return text.error().prefixed("nginx upstream: ");
  }
  const auto servers = detail::upstreamServers(*text);
  const bool includeIsBlue = servers == std::vector<std::string>{options_.blue};
  std::string from = servers.empty() ? "(no server)" : servers.front();
  if (includeIsBlue) {
    // The include alone does not prove it: a reload may have failed after the write.
    const Sighting seen = waitForBlue(options_, kProbeTimeout, clock_);
    if (seen.blue) {
      return SwitchOutcome{SwitchOutcome::Kind::kAlreadyBlue,
                           "nginx upstream " + options_.upstreamFile + " already names blue " +
                               options_.blue + " and " + options_.verifyUrl + " answers from blue"};
    }
    spdlog::warn("nginx upstream {} names blue but {} answered {}; reloading nginx again",
                 options_.upstreamFile, options_.verifyUrl, seen.last);
    from = "blue named but not served";
  }
  return flip(*text, from, request);
}

Result<SwitchOutcome> NginxSwitch::flip(const std::string& previous, const std::string& from,
                                        const RollbackRequest& request) {
  const MonoTime start = clock_.monoNow();
  const std::string& file = options_.upstreamFile;
  if (Status s =
          detail::replaceInclude(file, detail::renderUpstream(options_.blue, noteFor(request)));
      !s.ok()) {
    return s.error().prefixed("nginx upstream: ");
  }
  auto reloaded =
      detail::reloadNginx(options_.pidFile, options_.reloadCommand, options_.reloadTimeout, clock_);
  if (!reloaded.ok()) {
    // Put the old include back, so current() keeps telling the truth about nginx.
    if (Status s = detail::replaceInclude(file, previous); !s.ok()) {
      spdlog::error("nginx upstream {} not restored after the failed reload: {}", file,
                    s.error().message);
    }
    return SwitchOutcome{SwitchOutcome::Kind::kImpossible,
                         "nginx reload failed: " + reloaded.error().message};
  }
  const Sighting seen = waitForBlue(options_, options_.verifyTimeout, clock_);
  if (!seen.blue) {
    return SwitchOutcome{SwitchOutcome::Kind::kImpossible,
                         "blue never answered through nginx: " + options_.verifyUrl +
                             " still gave " + seen.last + " after " +
                             formatDuration(options_.verifyTimeout) + " (" + *reloaded + ")"};
  }
  return SwitchOutcome{SwitchOutcome::Kind::kFlipped,
                       "nginx upstream " + file + ": " + from + " -> blue " + options_.blue + "; " +
                           *reloaded + "; blue answered through " + options_.verifyUrl + " after " +
                           std::to_string(clock_.monoNow() - start) + " ms"};
}

Result<TrafficState> NginxSwitch::current() {
  auto text = detail::readInclude(options_.upstreamFile);
  if (!text.ok()) {
    return text.error().prefixed("nginx upstream: ");
  }
  const auto servers = detail::upstreamServers(*text);
  std::string names;
  for (const auto& s : servers) {
    names += (names.empty() ? "" : ", ") + s;
  }
  const std::string detail =
      "nginx upstream " + options_.upstreamFile + ": server " + (names.empty() ? "(none)" : names);
  using Backend = TrafficState::Backend;
  if (servers == std::vector<std::string>{options_.blue}) {
    return TrafficState{Backend::kBlue, detail + " (blue)"};
  }
  if (servers == std::vector<std::string>{options_.green}) {
    return TrafficState{Backend::kGreen, detail + " (green)"};
  }
  return TrafficState{Backend::kUnknown, detail};
}

}  // namespace nova::traffic
