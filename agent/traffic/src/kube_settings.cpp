#include "kube_settings.h"

#include <charconv>

#include "nova/core/suggest.h"

namespace nova::traffic::detail {

void SettingsReader::fail(const std::string& message) {
  if (error_.empty()) {
    error_ = "switch: " + type_ + ": " + message;
  }
}

std::string SettingsReader::text(const std::string& key, const std::string& fallback) {
  read_.insert(key);
  auto it = settings_.find(key);
  return it == settings_.end() ? fallback : it->second;
}

std::string SettingsReader::required(const std::string& key) {
  std::string value = text(key);
  if (value.empty()) {
    fail("missing setting \"" + key + "\"");
  }
  return value;
}

std::int64_t SettingsReader::count(const std::string& key, std::int64_t fallback) {
  std::string value = text(key);
  if (value.empty()) {
    return fallback;
  }
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (ec != std::errc{} || end != value.data() + value.size() || n < 0) {
    fail("setting \"" + key + "\" must be a whole number >= 0, not \"" + value + "\"");
    return fallback;
  }
  return n;
}

DurationMs SettingsReader::duration(const std::string& key, DurationMs fallback) {
  std::string value = text(key);
  if (value.empty()) {
    return fallback;
  }
  auto parsed = parseDuration(value);
  if (!parsed.ok()) {
    fail("setting \"" + key + "\": " + parsed.error().message);
    return fallback;
  }
  return *parsed;
}

bool SettingsReader::flag(const std::string& key, bool fallback) {
  std::string value = text(key);
  if (value.empty()) {
    return fallback;
  }
  if (value != "true" && value != "false") {
    fail("setting \"" + key + "\" must be true or false, not \"" + value + "\"");
    return fallback;
  }
  return value == "true";
}

Status SettingsReader::finish() const {
  if (!error_.empty()) {
    return Error(ErrorCode::kInvalidInput, error_);
  }
  std::vector<std::string_view> known(read_.begin(), read_.end());
  for (const auto& [key, value] : settings_) {
    if (read_.count(key) > 0) {
      continue;
    }
    std::string message = "switch: " + type_ + ": unknown setting \"" + key + "\"";
    if (auto hint = closestMatch(key, known)) {
      message += "; did you mean \"" + *hint + "\"?";
    }
    return Error(ErrorCode::kInvalidInput, message);
  }
  return {};
}

}  // namespace nova::traffic::detail
