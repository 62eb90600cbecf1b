#include "command_support.h"

#include <unistd.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <ostream>

#include "nova/core/files.h"
#include "nova/core/rfc3339.h"
#include "nova/http/client.h"
#include "nova/rollout/agent_status.h"

namespace nova::rollout::detail {

namespace json = boost::json;

Result<std::unique_ptr<CommandContext>> loadContext(const std::string& configFile,
                                                    const std::string& reportDir) {
  auto text = readFile(configFile, 1 << 20);
  if (!text.ok()) {
    return Error(ErrorCode::kInvalidInput, text.error().message);
  }
  const std::string baseDir = std::filesystem::path(configFile).parent_path().string();
  auto config = loadRolloutConfig(*text, configFile, baseDir);
  if (!config.ok()) {
    return config.error();
  }
  auto context = std::make_unique<CommandContext>();
  context->config = std::move(*config);
  if (!reportDir.empty()) {
    context->config.reportDir = reportDir;
  }
  WindowConfig window = context->config.window.window;
  if (!context->config.window.holidaysFile.empty()) {
    const std::string& file = context->config.window.holidaysFile;
    auto holidays = readFile(file, 1 << 20);
    if (!holidays.ok()) {
      return Error(ErrorCode::kInvalidInput, "window.holidays_file: " + holidays.error().message);
    }
    auto parsed = parseHolidays(*holidays, file);
    if (!parsed.ok()) {
      return parsed.error();
    }
    window.holidays = std::move(*parsed);
  }
  auto made = Window::create(std::move(window));
  if (!made.ok()) {
    return made.error();
  }
  context->window.emplace(std::move(*made));
  auto traffic = makeTrafficObject(context->config.switchSpec, context->config.blue, context->clock,
                                   context->random);
  if (!traffic.ok()) {
    return Error(ErrorCode::kInvalidInput, configFile + ": " + traffic.error().message);
  }
  context->traffic = std::move(*traffic);
  auto back =
      traffic::makeSwitch({context->config.switchSpec.type, context->config.switchSpec.settings},
                          context->clock, context->random);
  if (!back.ok()) {
    return Error(ErrorCode::kInvalidInput, configFile + ": " + back.error().message);
  }
  context->backToBlue = std::move(*back);
  return context;
}

std::unique_ptr<CommandContext> openContext(const std::string& configFile,
                                            const std::string& reportDir, std::ostream& err) {
  auto context = loadContext(configFile, reportDir);
  if (!context.ok()) {
    err << context.error().message << "\n";
    return nullptr;
  }
  return std::move(*context);
}

std::optional<TrafficRead> readTraffic(CommandContext& c, std::string_view command,
                                       std::ostream& err) {
  auto read = c.traffic->read();
  if (!read.ok()) {
    err << "novactl " << command << ": reading " << c.traffic->describe() << ": "
        << read.error().message << "\n";
    return std::nullopt;
  }
  return std::move(*read);
}

std::string instanceName(Random& random) {
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  return std::string(host) + "/" + std::to_string(::getpid()) + "/" +
         std::to_string(static_cast<long long>(random.uniform() * 1e9));
}

std::string whoRuns() {
  for (const char* name : {"GITHUB_ACTOR", "GITLAB_USER_LOGIN", "USER"}) {
    if (const char* value = std::getenv(name); value != nullptr && *value != '\0') {
      return value;
    }
  }
  return "unknown";
}

AgentVerdict agentVerdict(const CommandContext& context, const std::string& rolloutId) {
  if (context.config.monitor.agentUrl.empty()) {
    return AgentVerdict{AgentVerdict::State::kUnreachable, Severity::kNone,
                        "monitor.agent_url is not set"};
  }
  http::Client client;
  return readAgentVerdict(client, context.config.monitor.agentUrl, rolloutId, 5 * kSecond);
}

std::string_view agentStateName(AgentVerdict::State state) {
  switch (state) {
    case AgentVerdict::State::kUnreachable:
      return "unreachable";
    case AgentVerdict::State::kNotArmed:
      return "not_armed";
    case AgentVerdict::State::kNoData:
      return "no_data";
    case AgentVerdict::State::kWatching:
      return "watching";
    case AgentVerdict::State::kBreaching:
      return "breaching";
    case AgentVerdict::State::kIncident:
      return "incident";
    case AgentVerdict::State::kRolledBack:
      return "rolled_back";
    case AgentVerdict::State::kHold:
      return "hold";
  }
  return "unreachable";
}

json::value recordJson(const std::optional<Record>& record) {
  if (!record) {
    return nullptr;
  }
  const Record& r = *record;
  json::array steps;
  for (const auto& s : r.steps) {
    steps.push_back(json::object{{"phase", phaseName(s.phase)},
                                 {"step", s.name},
                                 {"result", stepResultName(s.result)},
                                 {"at", formatRfc3339(s.at, SubSecond::kMillis)},
                                 {"detail", s.detail}});
  }
  return json::object{
      {"rollout_id", r.rolloutId},
      {"version", r.version},
      {"phase", phaseName(r.phase)},
      {"stopped_in", r.stoppedIn ? json::value(phaseName(*r.stoppedIn)) : json::value(nullptr)},
      {"started_at", formatRfc3339(r.startedAt, SubSecond::kMillis)},
      {"switched_at", r.switchedAt ? json::value(formatRfc3339(*r.switchedAt, SubSecond::kMillis))
                                   : json::value(nullptr)},
      {"snapshot_id", r.snapshotId},
      {"blue",
       r.blue ? json::value(json::object{{"replicas", r.blue->replicas}, {"image", r.blue->image}})
              : json::value(nullptr)},
      {"window_override", r.windowOverride
                              ? json::value(json::object{{"reason", r.windowOverride->reason},
                                                         {"by", r.windowOverride->by}})
                              : json::value(nullptr)},
      {"revision", r.revision},
      {"steps", std::move(steps)}};
}

}  // namespace nova::rollout::detail
