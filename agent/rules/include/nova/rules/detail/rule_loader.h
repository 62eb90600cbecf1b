#pragma once

#include <optional>

#include "nova/policy/config.h"
#include "nova/rules/detail/context.h"
#include "nova/rules/rule.h"

namespace nova::rules::detail {

/// Reads and validates one entry of `rules:`; every problem goes to `ctx`. Returns the rule
/// only when it had no problem.
std::optional<Rule> loadRule(const YAML::Node& node, LoadContext& ctx);

/// Reads a `policy:` section over `base` (fields not given keep base's values).
policy::PolicyConfig loadPolicy(const YAML::Node& node, LoadContext& ctx,
                                policy::PolicyConfig base = {});

}  // namespace nova::rules::detail
