#pragma once

#include <optional>

#include "nova/policy/config.h"
#include "nova/rules/detail/context.h"
#include "nova/rules/rule.h"

namespace nova::rules::detail {

/// Where a rule is evaluated: `source: scrape` (the agent's own scrapes), `source:
/// prometheus` (the default remote source) or the name of a configured source.
struct SourceChoice {
  RuleSource source = RuleSource::kScrape;
  /// The source's name for kPrometheus ("prometheus" for the default one).
  std::string name;
};

/// Reads a `source:` field (a rule's or a whole file's); problems go to `ctx`.
std::optional<SourceChoice> readSource(const YAML::Node& node, LoadContext& ctx);

/// Reads and validates one entry of `rules:`; every problem goes to `ctx`. Returns the rule
/// only when it had no problem. `fileSource` is the file's `source:`, used by rules without
/// one of their own.
std::optional<Rule> loadRule(const YAML::Node& node, LoadContext& ctx,
                             const SourceChoice& fileSource = {});

/// Reads a `policy:` section over `base` (fields not given keep base's values).
policy::PolicyConfig loadPolicy(const YAML::Node& node, LoadContext& ctx,
                                policy::PolicyConfig base = {});

}  // namespace nova::rules::detail
