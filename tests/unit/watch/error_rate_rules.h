#pragma once

#include <string_view>

namespace nova::watch::testing {

/// One HIGH error-rate rule (`for` 20 s) under a policy that pages, investigates 30 s and
/// rolls back: at a steady 20% error rate it fires at 20 s and rolls back at 50 s.
inline constexpr std::string_view kErrorRateRules = R"(
policy:
  high: {action: page, investigate: 30s, then: rollback}
rules:
  - name: error_rate_high
    expr: sum(rate(errors_total[1m])) / sum(rate(requests_total[1m]))
    threshold: "> 0.05"
    for: 20s
    severity: high
    summary: "error rate {{ $value }}"
)";

}  // namespace nova::watch::testing
