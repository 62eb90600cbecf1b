#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "nova/promql/annotations.h"
#include "script.h"

namespace nova::conformance {

/// Checks a query's annotations against an eval's `expect warn/info/no_warn/no_info` lines
/// as the upstream runner does: annotations are compared as rendered for `query` (the text
/// that was evaluated), with exact `msg:` matches and unanchored `regex:` searches. Returns
/// the first disagreement, or nullopt.
std::optional<std::string> checkAnnotations(const EvalCommand& ev,
                                            const promql::Annotations& annotations,
                                            std::string_view query);

}  // namespace nova::conformance
