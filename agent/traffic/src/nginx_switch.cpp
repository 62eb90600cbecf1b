#include "nova/traffic/nginx_switch.h"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <chrono>
#include <thread>

#include "nginx_files.h"
#include "nginx_reload.h"
#include "nova/http/client.h"

namespace nova::traffic {
namespace {

using Steady = std::chrono::steady_clock;

// Pause between probes through nginx while the new workers start.
constexpr auto kProbePause = std::chrono::milliseconds(20);
// One probe never waits longer than this, so a stuck connection cannot eat the budget.
constexpr DurationMs kProbeTimeout = kSecond;

DurationMs msSince(Steady::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Steady::now() - start).count();
}

std::string shortBody(std::string body) {
  constexpr std::size_t kMax = 200;
  if (body.size() > kMax) {
    body.resize(kMax);
    body += "...";
  }
  return body;
}

// Blue must say so itself: a 200 whose JSON "status" is "healthy". Returns why not.
std::optional<std::string> blueHealthProblem(const NginxSwitchOptions& o) {
  http::Client client;
  http::Request request;
  request.url = o.blueHealthUrl;
  request.timeout = o.healthTimeout;
  request.connectTimeout = std::min(o.healthTimeout, kSecond);
  auto response = client.perform(request);
  if (!response.ok()) {
    return response.error().message;
  }
  const std::string where = "GET " + o.blueHealthUrl + " answered ";
  if (response->status != 200) {
    return where + std::to_string(response->status) + " " + shortBody(response->body);
  }
  boost::system::error_code ec;
  const boost::json::value body = boost::json::parse(response->body, ec);
  const auto* object = ec ? nullptr : body.if_object();
  const auto* status = object ? object->if_contains("status") : nullptr;
  if (status == nullptr || !status->is_string() || status->as_string() != "healthy") {
    return where + "200 without \"status\":\"healthy\": " + shortBody(response->body);
  }
  return std::nullopt;
}

struct Sighting {
  bool blue = false;
  /// What the last probe saw, for the detail of a failure.
  std::string last;
};

// Asks nginx on a fresh connection each time: new connections go to the new workers,
// which are the ones that read the new include.
Sighting waitForBlue(const NginxSwitchOptions& o, DurationMs budget) {
  const auto deadline = Steady::now() + std::chrono::milliseconds(budget);
  Sighting seen;
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Steady::now()).count();
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
    if (Steady::now() + kProbePause >= deadline) {
      return seen;
    }
    std::this_thread::sleep_for(kProbePause);
  }
}

std::string noteFor(const RollbackRequest& request) {
  return "nova-agent: traffic on blue; incident " + request.incidentId + " by " + request.who +
         ": " + request.reason;
}

}  // namespace

NginxSwitch::NginxSwitch(NginxSwitchOptions options) : options_(std::move(options)) {}

NginxSwitch::~NginxSwitch() = default;

Result<SwitchOutcome> NginxSwitch::rollback(const RollbackRequest& request) {
  auto text = detail::readWholeFile(options_.upstreamFile);
  if (!text.ok()) {
    return Error{"nginx upstream: " + text.error().message};
  }
  const auto servers = detail::upstreamServers(*text);
  const bool includeIsBlue = servers == std::vector<std::string>{options_.blue};
  std::string from = servers.empty() ? "(no server)" : servers.front();
  if (includeIsBlue) {
    // The include alone does not prove it: a reload may have failed after the write.
    const Sighting seen = waitForBlue(options_, kProbeTimeout);
    if (seen.blue) {
      return SwitchOutcome{SwitchOutcome::Kind::kAlreadyBlue,
                           "nginx upstream " + options_.upstreamFile + " already names blue " +
                               options_.blue + " and " + options_.verifyUrl + " answers from blue"};
    }
    spdlog::warn("nginx upstream {} names blue but {} answered {}; reloading nginx again",
                 options_.upstreamFile, options_.verifyUrl, seen.last);
    from = "blue named but not served";
  }
  if (auto problem = blueHealthProblem(options_)) {
    return SwitchOutcome{SwitchOutcome::Kind::kImpossible, "blue unhealthy: " + *problem};
  }
  return flip(*text, from, request);
}

Result<SwitchOutcome> NginxSwitch::flip(const std::string& previous, const std::string& from,
                                        const RollbackRequest& request) {
  const auto start = Steady::now();
  const std::string& file = options_.upstreamFile;
  if (Status s = detail::writeFileAtomically(
          file, detail::renderUpstream(options_.blue, noteFor(request)));
      !s.ok()) {
    return Error{"nginx upstream: " + s.error().message};
  }
  auto reloaded =
      detail::reloadNginx(options_.pidFile, options_.reloadCommand, options_.reloadTimeout);
  if (!reloaded.ok()) {
    // Put the old include back, so current() keeps telling the truth about nginx.
    if (Status s = detail::writeFileAtomically(file, previous); !s.ok()) {
      spdlog::error("nginx upstream {} not restored after the failed reload: {}", file,
                    s.error().message);
    }
    return SwitchOutcome{SwitchOutcome::Kind::kImpossible,
                         "nginx reload failed: " + reloaded.error().message};
  }
  const Sighting seen = waitForBlue(options_, options_.verifyTimeout);
  if (!seen.blue) {
    return SwitchOutcome{SwitchOutcome::Kind::kImpossible,
                         "blue never answered through nginx: " + options_.verifyUrl +
                             " still gave " + seen.last + " after " +
                             formatDuration(options_.verifyTimeout) + " (" + *reloaded + ")"};
  }
  return SwitchOutcome{SwitchOutcome::Kind::kFlipped,
                       "nginx upstream " + file + ": " + from + " -> blue " + options_.blue + "; " +
                           *reloaded + "; blue answered through " + options_.verifyUrl + " after " +
                           std::to_string(msSince(start)) + " ms"};
}

Result<TrafficState> NginxSwitch::current() {
  auto text = detail::readWholeFile(options_.upstreamFile);
  if (!text.ok()) {
    return Error{"nginx upstream: " + text.error().message};
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
