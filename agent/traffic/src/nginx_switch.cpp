#include "nova/traffic/nginx_switch.h"

#include <spdlog/spdlog.h>

#include "nginx_files.h"
#include "nginx_probe.h"
#include "nginx_reload.h"

namespace nova::traffic {
namespace {

// One probe's budget: enough to see that an include naming blue is served.
constexpr DurationMs kProbeTimeout = kSecond;

detail::Sighting waitForSide(const NginxSwitchOptions& o, const std::string& expected,
                             DurationMs budget, const Clock& clock) {
  return detail::waitForSides(o, {expected}, budget, clock);
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
    const detail::Sighting seen =
        waitForSide(options_, options_.verifyValue, kProbeTimeout, clock_);
    if (seen.seen) {
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
  auto reloaded = reloadOrRestore(previous);
  if (!reloaded.ok()) {
    return SwitchOutcome{SwitchOutcome::Kind::kImpossible,
                         "nginx reload failed: " + reloaded.error().message};
  }
  const detail::Sighting seen =
      waitForSide(options_, options_.verifyValue, options_.verifyTimeout, clock_);
  if (!seen.seen) {
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

Result<std::string> NginxSwitch::moveToGreen(std::string_view note) {
  const MonoTime start = clock_.monoNow();
  const std::string& file = options_.upstreamFile;
  auto previous = detail::readInclude(file);
  if (!previous.ok()) {
    return previous.error().prefixed("nginx upstream: ");
  }
  auto reloaded = writeAndReload(*previous, detail::renderUpstream(options_.green, note));
  if (!reloaded.ok()) {
    return reloaded.error();
  }
  const detail::Sighting seen =
      waitForSide(options_, options_.verifyGreenValue, options_.verifyTimeout, clock_);
  if (!seen.seen) {
    return Error(ErrorCode::kTimeout, "green never answered through nginx: " + options_.verifyUrl +
                                          " still gave " + seen.last + " after " +
                                          formatDuration(options_.verifyTimeout));
  }
  return "nginx upstream " + file + " -> green " + options_.green + "; " + *reloaded +
         "; green answered through " + options_.verifyUrl + " after " +
         std::to_string(clock_.monoNow() - start) + " ms";
}

Result<std::string> NginxSwitch::writeAndReload(const std::string& previous,
                                                const std::string& next) {
  const std::string& file = options_.upstreamFile;
  if (Status s = detail::replaceInclude(file, next); !s.ok()) {
    return s.error().prefixed("nginx upstream: ");
  }
  auto reloaded = reloadOrRestore(previous);
  if (!reloaded.ok()) {
    return reloaded.error().prefixed("nginx reload failed: ");
  }
  return reloaded;
}

Result<std::string> NginxSwitch::reloadOrRestore(const std::string& previous) {
  auto reloaded =
      detail::reloadNginx(options_.pidFile, options_.reloadCommand, options_.reloadTimeout, clock_);
  if (!reloaded.ok()) {
    const std::string& file = options_.upstreamFile;
    if (Status s = detail::replaceInclude(file, previous); !s.ok()) {
      spdlog::error("nginx upstream {} not restored after the failed reload: {}", file,
                    s.error().message);
    }
  }
  return reloaded;
}

Result<std::string> NginxSwitch::includeText() const {
  return detail::readInclude(options_.upstreamFile);
}

Result<TrafficState> NginxSwitch::current() {
  auto text = detail::readInclude(options_.upstreamFile);
  if (!text.ok()) {
    return text.error().prefixed("nginx upstream: ");
  }
  const auto servers = detail::upstreamServers(*text);
  const auto weighted = detail::upstreamServerWeights(*text);
  std::string names;
  for (const auto& s : weighted) {
    // Weights matter only where servers share traffic.
    names += (names.empty() ? "" : ", ") + s.address +
             (weighted.size() > 1 ? " weight=" + std::to_string(s.weight) : "");
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
