#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "nova/rules/detail/context.h"
#include "nova/rules/detail/fields.h"
#include "nova/watch/scenario.h"

namespace YAML {
class Node;
}  // namespace YAML

namespace nova::cli::detail {

using rules::detail::LoadContext;

/// The required `at:` of an entry (a duration from t = 0).
std::optional<TimestampMs> readAt(const YAML::Node& entry, LoadContext& ctx);

/// A name or a list of names.
std::vector<std::string> readNameList(const YAML::Node& node, std::string_view what,
                                      LoadContext& ctx);

/// `node` as one of `names` through `parse`; reports an unknown name with a did-you-mean.
template <typename T, typename Parse>
std::optional<T> readName(const YAML::Node& node, std::string_view what, Parse parse,
                          std::span<const std::string_view> names, LoadContext& ctx) {
  auto text = rules::detail::readString(node, what, ctx);
  if (!text) {
    return std::nullopt;
  }
  std::optional<T> value = parse(*text);
  if (!value) {
    ctx.error(node, rules::detail::unknownNameMessage(what, *text, names));
  }
  return value;
}

/// One entry of `receivers:`: a notifier config the router routes like the agent's.
void readReceiver(const YAML::Node& entry, LoadContext& ctx, watch::Scenario& out);
/// `switch: {fail: N}`.
void readSwitch(const YAML::Node& node, LoadContext& ctx, watch::Scenario& out);

/// One entry of `expect:`.
void readExpectation(const YAML::Node& entry, LoadContext& ctx, watch::Scenario& out);
/// `expect_actions:`, `expect_notifications:` and `expect_rollbacks:`, the exact lists.
void readExpectedActions(const YAML::Node& list, LoadContext& ctx, watch::Scenario& out);
void readExpectedNotifications(const YAML::Node& list, LoadContext& ctx, watch::Scenario& out);
void readExpectedRollbacks(const YAML::Node& list, LoadContext& ctx, watch::Scenario& out);

}  // namespace nova::cli::detail
