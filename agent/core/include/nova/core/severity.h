#pragma once

#include <optional>
#include <string_view>

namespace nova {

/// The seed's escalation levels, ordered: a larger value is more severe.
enum class Severity { kNone = 0, kLow, kMedium, kHigh, kCritical };

/// "none", "low", "medium", "high", "critical".
std::string_view toString(Severity severity);
/// Parses the lower-case names above (not "none").
std::optional<Severity> parseSeverity(std::string_view text);

}  // namespace nova
