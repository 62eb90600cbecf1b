#include "nova/cli/scenario_loader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <charconv>

#include "nova/core/severity.h"
#include "nova/rules/detail/rule_loader.h"
#include "scenario_reading.h"

namespace nova::cli {
namespace detail {

std::optional<TimestampMs> readAt(const YAML::Node& entry, LoadContext& ctx) {
  if (!entry["at"]) {
    ctx.error(entry, "missing required field at");
    return std::nullopt;
  }
  return rules::detail::readDuration(entry["at"], "at", ctx);
}

std::vector<std::string> readNameList(const YAML::Node& node, std::string_view what,
                                      LoadContext& ctx) {
  std::vector<std::string> out;
  if (node.IsScalar()) {
    out.push_back(node.Scalar());
  } else if (node.IsSequence()) {
    for (const YAML::Node& item : node) {
      if (auto text = rules::detail::readString(item, what, ctx)) {
        out.push_back(*text);
      }
    }
  } else {
    ctx.error(node, std::string(what) + " must be a name or a list of names");
  }
  return out;
}

}  // namespace detail

namespace {

using detail::LoadContext;
using detail::readAt;
using detail::readNameList;
using watch::Command;
using watch::Scenario;
using watch::ScenarioCommand;

constexpr std::array<std::string_view, 16> kScenarioKeys{
    "description",     "rule_files",  "interval", "traffic_switch", "duration",
    "series",          "blue_series", "baseline", "policy",         "actions",
    "receivers",       "switch",      "expect",   "expect_actions", "expect_notifications",
    "expect_rollbacks"};
constexpr std::array<std::string_view, 2> kBaselineKeys{"window", "keep"};
constexpr std::array<std::string_view, 4> kCommandKeys{"at", "hold", "release", "rollback"};
constexpr std::array<std::string_view, 4> kCommandFields{"for", "who", "reason", "covers"};
// What a hold may cover: a severity, never "none".
constexpr std::array<std::string_view, 4> kHoldScopes{"low", "medium", "high", "critical"};

// "column 12: message" from parseSeriesLine, placed inside the scalar.
void seriesError(const YAML::Node& node, const std::string& message, LoadContext& ctx) {
  int column = 0;
  std::string_view rest = message;
  if (rest.starts_with("column ")) {
    rest.remove_prefix(7);
    const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), column);
    if (ec == std::errc() && std::string_view(end).starts_with(": ")) {
      ctx.error(ctx.positionInScalar(node, static_cast<std::size_t>(column - 1)),
                "series: " + std::string(end + 2));
      return;
    }
  }
  ctx.error(node, "series: " + message);
}

// `series:` or `blue_series:` into `into`; `samples` counts the samples of both lists.
void readSeries(const YAML::Node& list, const std::string& field, LoadContext& ctx,
                std::vector<promql::SeriesLine>& into, std::size_t& samples) {
  if (!list.IsSequence()) {
    ctx.error(list, field + " must be a list of `metric{label=\"v\"} 0+1x10` lines");
    return;
  }
  for (const YAML::Node& node : list) {
    auto text = rules::detail::readString(node, field, ctx);
    if (!text) {
      continue;
    }
    auto line = promql::parseSeriesLine(*text);
    if (!line.ok()) {
      seriesError(node, line.error().message, ctx);
    } else if (line->hasHistogram) {
      ctx.error(node, "series: native histograms are not supported in scenarios");
    } else if ((samples += line->values.size()) > kMaxScenarioSamples) {
      // Stop here: the lines after it could each expand to millions more.
      ctx.error(node, "series: the scenario's series expand to more than " +
                          std::to_string(kMaxScenarioSamples) + " samples in all");
      return;
    } else {
      into.push_back(std::move(*line));
    }
  }
}

// `baseline: {window: 10m, keep: 1h}`: the agent config's baseline settings.
void readBaseline(const YAML::Node& node, LoadContext& ctx, Scenario& out) {
  if (!rules::detail::checkKeys(node, kBaselineKeys, "baseline", ctx)) {
    return;
  }
  for (auto [key, field] :
       {std::pair{"window", &out.baseline.window}, std::pair{"keep", &out.baseline.keep}}) {
    if (node[key]) {
      *field = rules::detail::readDuration(node[key], key, ctx).value_or(*field);
      if (*field <= 0) {
        ctx.error(node[key], std::string("baseline.") + key + " must be positive");
      }
    }
  }
}

// The replay evaluates at every interval up to the end: bounded, so `duration: 100000d`
// is an error rather than hours of work and gigabytes of timeline.
void checkTicks(const YAML::Node& where, const Scenario& out, LoadContext& ctx) {
  if (out.interval <= 0 || out.end < 0) {
    return;
  }
  const std::int64_t ticks = out.end / out.interval + 1;
  if (ticks > kMaxScenarioTicks) {
    ctx.error(where, "duration: " + formatDuration(out.end) + " at interval " +
                         formatDuration(out.interval) + " is " + std::to_string(ticks) +
                         " evaluations; a scenario runs at most " +
                         std::to_string(kMaxScenarioTicks));
  }
}

void readCommand(const YAML::Node& entry, LoadContext& ctx, Scenario& out) {
  if (!rules::detail::checkKeys(entry, kCommandKeys, "action", ctx)) {
    return;
  }
  ScenarioCommand entryCommand;
  entryCommand.line = entry.Mark().line + 1;
  entryCommand.at = readAt(entry, ctx).value_or(0);
  Command& command = entryCommand.command;
  int kinds = 0;
  YAML::Node body;
  for (const auto& [key, kind] :
       {std::pair{"hold", Command::Kind::kHold}, std::pair{"release", Command::Kind::kRelease},
        std::pair{"rollback", Command::Kind::kRollback}}) {
    if (entry[key]) {
      ++kinds;
      command.kind = kind;
      body = entry[key];
    }
  }
  if (kinds != 1) {
    ctx.error(entry, "an action needs exactly one of hold, release, rollback");
    return;
  }
  if (!rules::detail::checkKeys(body, kCommandFields, "action", ctx)) {
    return;
  }
  command.who = body["who"] ? rules::detail::readString(body["who"], "who", ctx).value_or("") : "";
  command.reason =
      body["reason"] ? rules::detail::readString(body["reason"], "reason", ctx).value_or("") : "";
  if (command.kind == Command::Kind::kHold) {
    if (!body["for"]) {
      ctx.error(body, "hold: missing required field for");
    } else {
      command.holdFor = rules::detail::readDuration(body["for"], "for", ctx).value_or(0);
    }
    if (body["covers"]) {
      command.holdCovers =
          detail::readName<Severity>(body["covers"], "covers", parseSeverity, kHoldScopes, ctx)
              .value_or(Severity::kHigh);
    }
  } else if (body["covers"]) {
    ctx.error(body["covers"], "covers: only a hold has a scope");
  }
  out.commands.push_back(std::move(entryCommand));
}

template <typename Fn>
void forEachEntry(const YAML::Node& list, std::string_view field, LoadContext& ctx, Fn fn) {
  if (!list.IsSequence()) {
    ctx.error(list, std::string(field) + " must be a list");
    return;
  }
  for (const YAML::Node& entry : list) {
    fn(entry);
  }
}

void readScenario(const YAML::Node& root, LoadContext& ctx, Scenario& out) {
  if (!rules::detail::checkKeys(root, kScenarioKeys, "scenario", ctx)) {
    return;
  }
  if (root["description"]) {
    out.description =
        rules::detail::readString(root["description"], "description", ctx).value_or("");
  }
  if (root["rule_files"]) {
    out.ruleFiles = readNameList(root["rule_files"], "rule_files", ctx);
  } else {
    out.ruleFiles = {"../../rules/default.yaml"};
  }
  if (root["interval"]) {
    out.interval =
        rules::detail::readDuration(root["interval"], "interval", ctx).value_or(out.interval);
    if (out.interval <= 0) {
      ctx.error(root["interval"], "interval must be positive");
    }
  }
  if (root["traffic_switch"]) {
    out.trafficSwitch =
        rules::detail::readDuration(root["traffic_switch"], "traffic_switch", ctx).value_or(0);
  }
  std::size_t samples = 0;
  if (root["series"]) {
    readSeries(root["series"], "series", ctx, out.series, samples);
  } else {
    ctx.error(root, "scenario: missing required field series");
  }
  if (root["blue_series"]) {
    readSeries(root["blue_series"], "blue_series", ctx, out.blueSeries, samples);
  }
  if (root["baseline"]) {
    readBaseline(root["baseline"], ctx, out);
  }
  std::size_t longest = 0;
  for (const auto& line : out.series) {
    longest = std::max(longest, line.values.size());
  }
  out.end = longest == 0 ? 0 : static_cast<TimestampMs>(longest - 1) * out.interval;
  if (root["duration"]) {
    out.end = rules::detail::readDuration(root["duration"], "duration", ctx).value_or(out.end);
  }
  checkTicks(root["duration"] ? root["duration"] : root["series"], out, ctx);
  if (root["policy"]) {
    // Checked now against the defaults; applied later over the rule files' policy.
    (void)rules::detail::loadPolicy(root["policy"], ctx);
    out.policyOverrides = YAML::Dump(root["policy"]);
  }
  if (root["actions"]) {
    forEachEntry(root["actions"], "actions", ctx,
                 [&](const YAML::Node& e) { readCommand(e, ctx, out); });
  }
  if (root["receivers"]) {
    out.receivers.clear();
    forEachEntry(root["receivers"], "receivers", ctx,
                 [&](const YAML::Node& e) { detail::readReceiver(e, ctx, out); });
  }
  if (root["switch"]) {
    detail::readSwitch(root["switch"], ctx, out);
  }
  if (root["expect"]) {
    forEachEntry(root["expect"], "expect", ctx,
                 [&](const YAML::Node& e) { detail::readExpectation(e, ctx, out); });
  }
  if (root["expect_actions"]) {
    detail::readExpectedActions(root["expect_actions"], ctx, out);
  }
  if (root["expect_notifications"]) {
    detail::readExpectedNotifications(root["expect_notifications"], ctx, out);
  }
  if (root["expect_rollbacks"]) {
    detail::readExpectedRollbacks(root["expect_rollbacks"], ctx, out);
  }
}

}  // namespace

ScenarioLoad parseScenario(std::string_view yamlText, std::string_view fileName) {
  LoadContext ctx(yamlText, fileName);
  Scenario scenario;
  // yaml-cpp reports malformed YAML by exception; it stops here.
  try {
    const YAML::Node root = YAML::Load(std::string(yamlText));
    readScenario(root, ctx, scenario);
  } catch (const YAML::Exception& e) {
    ctx.yamlError(e);
  } catch (const std::exception& e) {
    ctx.error(rules::detail::FilePos{1, 1}, e.what());
  }
  ScenarioLoad load;
  load.diagnostics = ctx.takeDiagnostics();
  if (load.diagnostics.empty()) {
    load.scenario = std::move(scenario);
  }
  return load;
}

}  // namespace nova::cli
