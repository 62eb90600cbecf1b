#pragma once

#include <optional>

#include "context.h"
#include "nova/policy/config.h"
#include "nova/rules/rule.h"

namespace nova::rules::detail {

/// Reads and validates one entry of `rules:`; every problem goes to `ctx`. Returns the rule
/// only when it had no problem.
std::optional<Rule> loadRule(const YAML::Node& node, LoadContext& ctx);

/// Reads the `policy:` section over the defaults.
policy::PolicyConfig loadPolicy(const YAML::Node& node, LoadContext& ctx);

}  // namespace nova::rules::detail
