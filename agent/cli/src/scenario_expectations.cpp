#include <yaml-cpp/yaml.h>

#include <array>

#include "nova/core/text.h"
#include "nova/notify/route.h"
#include "scenario_reading.h"

namespace nova::cli::detail {
namespace {

using watch::ExpectedAction;
using watch::ExpectedNotification;
using watch::ExpectedRollback;

constexpr std::array<std::string_view, 9> kExpectKeys{"at",     "severity",      "action",
                                                      "state",  "events",        "incident",
                                                      "firing", "notifications", "rollback"};
constexpr std::array<std::string_view, 3> kNotificationKeys{"kind", "key", "receiver"};
constexpr std::array<std::string_view, 5> kSeverityNames{"none", "low", "medium", "high",
                                                         "critical"};
constexpr std::array<std::string_view, 4> kOutcomes{"flipped", "already_blue", "impossible",
                                                    "error"};
constexpr std::array<std::string_view, 5> kTickOutcomes{"flipped", "already_blue", "impossible",
                                                        "error", "none"};
constexpr std::string_view kNotificationForm =
    "expect_notifications entry must be \"<time> <kind> <key> -> <receiver>, ...\" (key - for "
    "none, receiver none for nobody), e.g. \"2m40s incident_opened 0-1 -> log\"";

std::optional<Severity> parseSeverityOrNone(std::string_view text) {
  return text == "none" ? std::optional<Severity>(Severity::kNone) : parseSeverity(text);
}

std::vector<std::string_view> notificationKindNames() {
  std::vector<std::string_view> names;
  for (int i = 0; i <= static_cast<int>(notify::NotificationKind::kRelease); ++i) {
    names.push_back(notify::toString(static_cast<notify::NotificationKind>(i)));
  }
  return names;
}

template <std::size_t N>
std::optional<std::string> readOneOf(const YAML::Node& node, std::string_view what,
                                     const std::array<std::string_view, N>& names,
                                     LoadContext& ctx) {
  return readName<std::string>(
      node, what,
      [&](std::string_view text) -> std::optional<std::string> {
        for (auto name : names) {
          if (name == text) {
            return std::string(name);
          }
        }
        return std::nullopt;
      },
      names, ctx);
}

// {kind: rollback_started, key: "0-1", receiver: pagerduty}
std::optional<watch::NotificationMatch> readNotificationMatch(const YAML::Node& node,
                                                              LoadContext& ctx) {
  if (!rules::detail::checkKeys(node, kNotificationKeys, "notification", ctx)) {
    return std::nullopt;
  }
  watch::NotificationMatch match;
  if (node["kind"]) {
    const auto names = notificationKindNames();
    match.kind = readName<notify::NotificationKind>(node["kind"], "notification kind",
                                                    notify::parseNotificationKind, names, ctx);
  }
  if (node["key"]) {
    match.key = rules::detail::readString(node["key"], "key", ctx);
  }
  if (node["receiver"]) {
    match.receiver = rules::detail::readString(node["receiver"], "receiver", ctx);
  }
  return match;
}

void readEvents(const YAML::Node& node, LoadContext& ctx, watch::Expectation& e) {
  for (const std::string& name : readNameList(node, "event", ctx)) {
    if (auto kind = policy::parseEventKind(name)) {
      e.events.push_back(*kind);
    } else {
      ctx.error(node, rules::detail::unknownNameMessage("event", name, policy::eventKindNames()));
    }
  }
}

// The entries of an exact list, each a string read by `parse`; `form` is the message for
// one that does not parse.
template <typename Entry, typename Parse>
void readEntries(const YAML::Node& list, std::string_view field, std::string_view form,
                 std::optional<std::vector<Entry>>& out, LoadContext& ctx, Parse parse) {
  out.emplace();
  if (!list.IsSequence()) {
    ctx.error(list,
              std::string(field) + " must be a list of \"" + std::string(form) + "\" entries");
    return;
  }
  for (const YAML::Node& node : list) {
    if (auto text = rules::detail::readString(node, std::string(field) + " entry", ctx)) {
      if (auto entry = parse(*text, node)) {
        out->push_back(std::move(*entry));
      }
    }
  }
}

// "2m40s incident_opened 0-1 -> log, pagerduty"
std::optional<ExpectedNotification> parseNotificationEntry(std::string_view text,
                                                           const YAML::Node& node,
                                                           LoadContext& ctx) {
  const std::size_t arrow = text.find(" -> ");
  std::vector<std::string_view> words;
  for (std::string_view rest = text.substr(0, arrow); !rest.empty();) {
    const std::size_t space = rest.find(' ');
    if (auto word = trim(rest.substr(0, space)); !word.empty()) {
      words.push_back(word);
    }
    rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
  }
  auto at =
      words.size() == 3
          ? parseDuration(words[0])
          : Result<DurationMs>(Error(ErrorCode::kInvalidInput, "expected <time> <kind> <key>"));
  if (arrow == std::string_view::npos || !at.ok()) {
    ctx.error(node, std::string(kNotificationForm));
    return std::nullopt;
  }
  auto kind = notify::parseNotificationKind(words[1]);
  if (!kind) {
    ctx.error(node, rules::detail::unknownNameMessage("notification kind", words[1],
                                                      notificationKindNames()));
    return std::nullopt;
  }
  ExpectedNotification entry{*at, *kind, words[2] == "-" ? "" : std::string(words[2]), {}};
  std::string_view receivers = trim(text.substr(arrow + 4));
  if (receivers != "none") {
    for (std::string_view rest = receivers; !rest.empty();) {
      const std::size_t comma = rest.find(',');
      entry.receivers.emplace_back(trim(rest.substr(0, comma)));
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
  }
  return entry;
}

// "<time> <word>", the word checked by `parse`.
template <typename T, typename Parse>
std::optional<std::pair<DurationMs, T>> parseTimedWord(std::string_view text, Parse parse) {
  const std::size_t space = text.find(' ');
  if (space == std::string_view::npos) {
    return std::nullopt;
  }
  auto at = parseDuration(text.substr(0, space));
  auto word = parse(trim(text.substr(space + 1)));
  if (!at.ok() || !word) {
    return std::nullopt;
  }
  return std::pair{*at, *word};
}

std::optional<std::string> parseOutcome(std::string_view text) {
  for (auto outcome : kOutcomes) {
    if (outcome == text) {
      return std::string(outcome);
    }
  }
  return std::nullopt;
}

}  // namespace

void readExpectation(const YAML::Node& entry, LoadContext& ctx, watch::Scenario& out) {
  if (!rules::detail::checkKeys(entry, kExpectKeys, "expect entry", ctx)) {
    return;
  }
  watch::Expectation e;
  e.line = entry.Mark().line + 1;
  e.at = readAt(entry, ctx).value_or(0);
  if (entry["severity"]) {
    e.severity =
        readName<Severity>(entry["severity"], "severity", parseSeverityOrNone, kSeverityNames, ctx);
  }
  if (entry["action"]) {
    e.action = readName<policy::Action>(entry["action"], "action", policy::parseAction,
                                        policy::actionNames(), ctx);
  }
  if (entry["state"]) {
    e.state = readName<policy::IncidentState>(entry["state"], "state", policy::parseIncidentState,
                                              policy::incidentStateNames(), ctx);
  }
  if (entry["events"]) {
    readEvents(entry["events"], ctx, e);
  }
  if (entry["incident"]) {
    e.incident = rules::detail::readString(entry["incident"], "incident", ctx);
  }
  if (entry["firing"]) {
    e.firing = readNameList(entry["firing"], "firing", ctx);
  }
  if (const YAML::Node list = entry["notifications"]) {
    if (!list.IsSequence()) {
      ctx.error(list, "notifications must be a list of {kind, key, receiver} entries");
    } else {
      for (const YAML::Node& item : list) {
        if (auto match = readNotificationMatch(item, ctx)) {
          e.notifications.push_back(std::move(*match));
        }
      }
    }
  }
  if (entry["rollback"]) {
    e.rollback = readOneOf(entry["rollback"], "rollback outcome", kTickOutcomes, ctx);
  }
  out.expectations.push_back(std::move(e));
}

void readExpectedActions(const YAML::Node& list, LoadContext& ctx, watch::Scenario& out) {
  readEntries(
      list, "expect_actions", "<time> <action>", out.expectedActions, ctx,
      [&](std::string_view text, const YAML::Node& node) -> std::optional<ExpectedAction> {
        auto parsed = parseTimedWord<policy::Action>(text, policy::parseAction);
        if (!parsed) {
          ctx.error(node, "expect_actions entry must be \"<time> <action>\", e.g. \"1m30s page\"");
          return std::nullopt;
        }
        return ExpectedAction{parsed->first, parsed->second};
      });
}

void readExpectedNotifications(const YAML::Node& list, LoadContext& ctx, watch::Scenario& out) {
  readEntries(list, "expect_notifications", "<time> <kind> <key> -> <receiver>, ...",
              out.expectedNotifications, ctx, [&](std::string_view text, const YAML::Node& node) {
                return parseNotificationEntry(text, node, ctx);
              });
}

void readExpectedRollbacks(const YAML::Node& list, LoadContext& ctx, watch::Scenario& out) {
  readEntries(
      list, "expect_rollbacks", "<time> <outcome>", out.expectedRollbacks, ctx,
      [&](std::string_view text, const YAML::Node& node) -> std::optional<ExpectedRollback> {
        auto parsed = parseTimedWord<std::string>(text, parseOutcome);
        if (!parsed) {
          ctx.error(node,
                    "expect_rollbacks entry must be \"<time> <outcome>\" (flipped, "
                    "already_blue, impossible, error), e.g. \"7m40s error\"");
          return std::nullopt;
        }
        return ExpectedRollback{parsed->first, parsed->second};
      });
}

}  // namespace nova::cli::detail
