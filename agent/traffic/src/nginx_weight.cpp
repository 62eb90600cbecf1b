// The nginx switch's weights: blue and green as two `server` lines of the upstream include,
// nginx's weighted round robin sharing requests between them.
#include "nginx_files.h"
#include "nginx_probe.h"
#include "nova/traffic/nginx_switch.h"

namespace nova::traffic {

Result<GreenWeight> NginxSwitch::greenWeight() {
  auto text = detail::readInclude(options_.upstreamFile);
  if (!text.ok()) {
    return text.error().prefixed("nginx upstream: ");
  }
  const auto servers = detail::upstreamServerWeights(*text);
  const std::string where = "nginx upstream " + options_.upstreamFile + ": ";
  if (servers.size() == 1 && servers[0].address == options_.blue) {
    return GreenWeight{0, where + "blue " + options_.blue + " alone"};
  }
  if (servers.size() == 1 && servers[0].address == options_.green) {
    return GreenWeight{100, where + "green " + options_.green + " alone"};
  }
  if (servers.size() == 2) {
    const bool blueFirst = servers[0].address == options_.blue;
    const auto& blue = servers[blueFirst ? 0 : 1];
    const auto& green = servers[blueFirst ? 1 : 0];
    if (blue.address == options_.blue && green.address == options_.green && blue.weight > 0 &&
        green.weight > 0) {
      return GreenWeight{green.weight * 100 / (blue.weight + green.weight),
                         where + "blue weight=" + std::to_string(blue.weight) +
                             ", green weight=" + std::to_string(green.weight)};
    }
  }
  return Error(ErrorCode::kInvalidInput,
               where + "names neither blue alone, green alone, nor both with weights");
}

std::string NginxSwitch::weightedInclude(std::int64_t weight) const {
  const std::string note = "nova: green weight " + std::to_string(weight);
  if (weight == 0) {
    return detail::renderUpstream(options_.blue, note);
  }
  if (weight == 100) {
    return detail::renderUpstream(options_.green, note);
  }
  return detail::renderWeightedUpstream(options_.blue, 100 - weight, options_.green, weight, note);
}

Result<std::string> NginxSwitch::setGreenWeight(std::int64_t expected, std::int64_t weight) {
  if (Status s = checkWeight(weight); !s.ok()) {
    return s.error();
  }
  const MonoTime start = clock_.monoNow();
  const std::string& file = options_.upstreamFile;
  auto previous = detail::readInclude(file);
  if (!previous.ok()) {
    return previous.error().prefixed("nginx upstream: ");
  }
  auto before = greenWeight();
  if (!before.ok()) {
    return before.error();
  }
  if (before->percent != expected) {
    return Error(ErrorCode::kConflict, before->detail + ": green's weight is " +
                                           std::to_string(before->percent) + ", not the " +
                                           std::to_string(expected) + " expected; nothing changed");
  }
  auto reloaded = writeAndReload(*previous, weightedInclude(weight));
  if (!reloaded.ok()) {
    return reloaded.error();
  }
  std::vector<std::string> sides;
  if (weight < 100) {
    sides.push_back(options_.verifyValue);
  }
  if (weight > 0) {
    sides.push_back(options_.verifyGreenValue);
  }
  const detail::Sighting seen =
      detail::waitForSides(options_, sides, options_.verifyTimeout, clock_);
  if (!seen.seen) {
    return Error(ErrorCode::kTimeout,
                 "nginx upstream " + file + " gives green weight " + std::to_string(weight) +
                     " but " + options_.verifyUrl + " did not answer from both sides within " +
                     formatDuration(options_.verifyTimeout) + " (last: " + seen.last + ")");
  }
  return before->detail + " -> green weight " + std::to_string(weight) + "; " + *reloaded +
         "; seen through " + options_.verifyUrl + " after " +
         std::to_string(clock_.monoNow() - start) + " ms";
}

Result<std::string> NginxSwitch::planGreenWeight(std::int64_t weight) {
  if (Status s = checkWeight(weight); !s.ok()) {
    return s.error();
  }
  auto before = greenWeight();
  if (!before.ok()) {
    return before.error();
  }
  std::string reload = "kill -HUP $(cat " + options_.pidFile + ")";
  if (options_.pidFile.empty()) {
    reload.clear();
    for (const auto& word : options_.reloadCommand) {
      reload += (reload.empty() ? "" : " ") + word;
    }
  }
  return "write " + options_.upstreamFile + " (now: " + before->detail + "):\n" +
         weightedInclude(weight) + "then reload nginx: " + reload;
}

}  // namespace nova::traffic
