#pragma once

#include <compare>
#include <map>
#include <string>
#include <vector>

#include "nova/core/result.h"
#include "nova/promql/value.h"
#include "nova/rules/loader.h"

namespace nova::rules {

/// One query a remote rule needs: its expression (or guard) as written, sent to the source
/// the rule names ("prometheus" for the default source).
struct RemoteQuery {
  std::string source;
  std::string expr;

  auto operator<=>(const RemoteQuery&) const = default;
};

/// What the remote sources answered for the queries of one round: the value a local
/// evaluation would give, or why there is none (the error's message is the rule's unknown
/// reason: "unreachable: ...", "timeout: ...", "HTTP 422 execution: ...", "partial
/// response: ...").
using RemoteAnswers = std::map<RemoteQuery, Result<promql::Value>>;

/// The queries the remote rules of `ruleSet` need, each once: expressions and guards, in
/// rule order.
std::vector<RemoteQuery> remoteQueries(const RuleSet& ruleSet);

}  // namespace nova::rules
