#include <array>

#include "config_sections.h"

namespace nova::rollout::detail {
namespace {

void readDays(const YAML::Node& node, ConfigReader& reader, WindowConfig& window) {
  if (!node.IsSequence() || node.size() == 0) {
    reader.error(node, "window.days", "must be a non-empty list of days (mon, tue, ...)");
    return;
  }
  window.days = {};
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string path = "window.days[" + std::to_string(i) + "]";
    auto name = reader.text(node[i], path);
    if (!name) {
      continue;
    }
    if (auto day = parseWeekday(*name)) {
      window.days[static_cast<std::size_t>(*day)] = true;
    } else {
      reader.error(node[i], path, "unknown day \"" + *name + "\" (mon, tue, ..., sun)");
    }
  }
}

void readHours(const YAML::Node& node, ConfigReader& reader, WindowConfig& window) {
  const std::string text = reader.text(node, "window.hours").value_or("");
  const std::size_t dash = text.find('-');
  const auto start = parseTimeOfDay(text.substr(0, dash));
  const auto end = dash == std::string::npos ? std::nullopt : parseTimeOfDay(text.substr(dash + 1));
  if (!start || !end) {
    reader.error(node, "window.hours", "expected HH:MM-HH:MM, got \"" + text + "\"");
    return;
  }
  window.startMinute = *start;
  window.endMinute = *end;
}

}  // namespace

void readWindow(const YAML::Node& node, ConfigReader& reader, WindowSpec& spec) {
  static constexpr std::array<std::string_view, 6> kKeys{"days",
                                                         "hours",
                                                         "time_zone",
                                                         "holidays_file",
                                                         "deny_last_days_of_month",
                                                         "expected_duration"};
  if (!reader.mapping(node, "window", kKeys)) {
    return;
  }
  WindowConfig& window = spec.window;
  if (const YAML::Node days = node["days"]) {
    readDays(days, reader, window);
  }
  if (const YAML::Node hours = node["hours"]) {
    readHours(hours, reader, window);
  }
  if (const YAML::Node zone = node["time_zone"]) {
    window.timeZone = reader.nonEmpty(zone, "window.time_zone").value_or(window.timeZone);
  }
  if (const YAML::Node file = node["holidays_file"]) {
    spec.holidaysFile = reader.resolve(reader.nonEmpty(file, "window.holidays_file").value_or(""));
  }
  if (const YAML::Node last = node["deny_last_days_of_month"]) {
    window.denyLastDaysOfMonth =
        static_cast<int>(reader.integer(last, "window.deny_last_days_of_month", 0, 27).value_or(1));
  }
  if (const YAML::Node expected = node["expected_duration"]) {
    spec.expectedDuration =
        reader.duration(expected, "window.expected_duration").value_or(spec.expectedDuration);
  }
  if (reader.failed()) {
    return;
  }
  auto checked = Window::create(window);
  if (!checked) {
    const YAML::Node zone = node["time_zone"];
    reader.error(zone ? zone : node, "window", checked.error().message);
    return;
  }
  const int length = (window.endMinute - window.startMinute + 24 * 60 - 1) % (24 * 60) + 1;
  if (spec.expectedDuration > length * kMinute) {
    reader.error(node["expected_duration"] ? node["expected_duration"] : node,
                 "window.expected_duration",
                 formatDuration(spec.expectedDuration) + " is longer than the window (" +
                     formatDuration(length * kMinute) + "): no rollout could ever start");
  }
}

}  // namespace nova::rollout::detail
