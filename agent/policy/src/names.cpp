#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "escalator_impl.h"
#include "nova/policy/escalator.h"
#include "nova/policy/incident.h"
#include "nova/policy/timeline.h"

namespace nova::policy {
namespace {

constexpr std::array<std::string_view, 16> kEventNames{
    "rule_pending",
    "rule_firing",
    "rule_cleared",
    "incident_opened",
    "severity_changed",
    "notify",
    "page",
    "rollback_decided",
    "rollback_suppressed",
    "rollback_completed",
    "investigation_ended",
    "hold",
    "release",
    "forced_rollback",
    "incident_resolved",
    "window_expired",
};

constexpr std::array<std::string_view, 6> kStateNames{
    "open", "investigating", "recovering", "rolling_back", "rolled_back", "resolved",
};

}  // namespace

std::string_view toString(EventKind kind) {
  const auto index = static_cast<std::size_t>(kind);
  return index < kEventNames.size() ? kEventNames[index] : "unknown";
}

std::optional<EventKind> parseEventKind(std::string_view text) {
  for (std::size_t i = 0; i < kEventNames.size(); ++i) {
    if (text == kEventNames[i]) {
      return static_cast<EventKind>(i);
    }
  }
  return std::nullopt;
}

std::span<const std::string_view> eventKindNames() {
  return kEventNames;
}

std::string toString(const TimelineEvent& event) {
  std::string out = detail::formatTime(event.at);
  out += ' ';
  out += toString(event.kind);
  if (!event.rule.empty()) {
    out += " [" + event.rule + "]";
  }
  if (!event.detail.empty()) {
    out += ' ' + event.detail;
  }
  return out;
}

std::string_view toString(RuleObservation::State state) {
  switch (state) {
    case RuleObservation::State::kOk:
      return "ok";
    case RuleObservation::State::kBreaching:
      return "breaching";
    case RuleObservation::State::kUnknown:
      return "unknown";
  }
  return "unknown";
}

std::string_view toString(IncidentState state) {
  const auto index = static_cast<std::size_t>(state);
  return index < kStateNames.size() ? kStateNames[index] : "open";
}

std::optional<IncidentState> parseIncidentState(std::string_view text) {
  for (std::size_t i = 0; i < kStateNames.size(); ++i) {
    if (text == kStateNames[i]) {
      return static_cast<IncidentState>(i);
    }
  }
  return std::nullopt;
}

std::span<const std::string_view> incidentStateNames() {
  return kStateNames;
}

namespace detail {

std::string formatTime(TimestampMs t) {
  using namespace std::chrono;
  const sys_time<milliseconds> point{milliseconds{t}};
  const auto day = floor<days>(point);
  const year_month_day date{day};
  const hh_mm_ss clock{point - day};
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02d", int(date.year()),
                unsigned(date.month()), unsigned(date.day()), int(clock.hours().count()),
                int(clock.minutes().count()), int(clock.seconds().count()));
  std::string out = buffer;
  if (const auto ms = clock.subseconds().count(); ms != 0) {
    std::snprintf(buffer, sizeof buffer, ".%03d", int(ms));
    out += buffer;
  }
  return out + "Z";
}

std::string formatValue(double v) {
  if (std::isnan(v)) {
    return "NaN";
  }
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", v);
  return buffer;
}

}  // namespace detail
}  // namespace nova::policy
