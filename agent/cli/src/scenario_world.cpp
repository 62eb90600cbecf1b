// The replay's stand-ins for the world: the receivers notifications are routed to, and the
// dry-run switch's failures.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>

#include "nova/notify/route.h"
#include "scenario_reading.h"

namespace nova::cli::detail {
namespace {

constexpr std::array<std::string_view, 4> kReceiverKeys{"type", "name", "severities", "kinds"};
constexpr std::array<std::string_view, 1> kSwitchKeys{"fail"};
constexpr int kMaxSwitchFailures = 100;

}  // namespace

// {type: slack, name: deploys, severities: [medium, low], kinds: [...]}: routed as the
// agent's notifier of that type would be.
void readReceiver(const YAML::Node& entry, LoadContext& ctx, watch::Scenario& out) {
  if (!rules::detail::checkKeys(entry, kReceiverKeys, "receiver", ctx)) {
    return;
  }
  if (!entry["type"]) {
    ctx.error(entry, "receiver: missing required field type");
    return;
  }
  notify::NotifierConfig config;
  config.type = readName<std::string>(
                    entry["type"], "receiver type",
                    [](std::string_view text) -> std::optional<std::string> {
                      const auto types = notify::notifierTypes();
                      const bool known = std::find(types.begin(), types.end(), text) != types.end();
                      return known ? std::optional<std::string>(text) : std::nullopt;
                    },
                    notify::notifierTypes(), ctx)
                    .value_or("");
  if (entry["name"]) {
    config.settings["name"] = rules::detail::readString(entry["name"], "name", ctx).value_or("");
  }
  for (const char* list : {"severities", "kinds"}) {
    if (entry[list]) {
      std::string joined;
      for (const auto& word : readNameList(entry[list], list, ctx)) {
        joined += (joined.empty() ? "" : ", ") + word;
      }
      config.settings[list] = joined;
    }
  }
  if (config.type.empty()) {
    return;
  }
  if (auto route = notify::Route::fromSettings(config.type, config.settings); !route.ok()) {
    ctx.error(entry, "receiver " + config.type + ": " + route.error().message);
    return;
  }
  for (const auto& other : out.receivers) {
    if (watch::receiverName(other) == watch::receiverName(config)) {
      ctx.error(entry, "a second receiver named \"" + watch::receiverName(config) +
                           "\"; set name to tell them apart");
      return;
    }
  }
  out.receivers.push_back(std::move(config));
}

// {fail: 2}: the dry-run switch fails the first two rollback attempts.
void readSwitch(const YAML::Node& node, LoadContext& ctx, watch::Scenario& out) {
  if (!rules::detail::checkKeys(node, kSwitchKeys, "switch", ctx) || !node["fail"]) {
    return;
  }
  const auto fail = rules::detail::readNumber(node["fail"], "switch.fail", ctx);
  if (!fail) {
    return;
  }
  if (*fail < 0 || *fail > kMaxSwitchFailures || *fail != static_cast<int>(*fail)) {
    ctx.error(node["fail"],
              "switch.fail must be a whole number from 0 to " + std::to_string(kMaxSwitchFailures));
    return;
  }
  out.switchFailures = static_cast<int>(*fail);
}

}  // namespace nova::cli::detail
