#include <array>
#include <utility>

#include "nova/core/text.h"
#include "nova/rules/prometheus_rules.h"

namespace nova::rules {
namespace {

// The branch each value selects. `page` and `error` are what HIGH does first (page someone)
// and the level below critical in most alerting conventions; `warning` is watched and
// notified (MEDIUM); `info` is told once (LOW); `none` marks alerts such as Watchdog that
// must never act.
constexpr std::array<std::pair<std::string_view, Severity>, 9> kValues{{
    {"critical", Severity::kCritical},
    {"high", Severity::kHigh},
    {"medium", Severity::kMedium},
    {"low", Severity::kLow},
    {"page", Severity::kHigh},
    {"error", Severity::kHigh},
    {"warning", Severity::kMedium},
    {"info", Severity::kLow},
    {"none", Severity::kNone},
}};

constexpr std::array<std::string_view, kValues.size()> kNames = [] {
  std::array<std::string_view, kValues.size()> names{};
  for (std::size_t i = 0; i < kValues.size(); ++i) {
    names[i] = kValues[i].first;
  }
  return names;
}();

}  // namespace

std::optional<Severity> severityFromLabel(std::string_view value) {
  for (const auto& [name, severity] : kValues) {
    if (equalsIgnoreCase(name, value)) {
      return severity;
    }
  }
  return std::nullopt;
}

std::span<const std::string_view> severityLabelValues() {
  return kNames;
}

}  // namespace nova::rules
