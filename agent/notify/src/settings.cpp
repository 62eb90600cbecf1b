#include "settings.h"

#include <charconv>

#include "nova/core/suggest.h"

namespace nova::notify::detail {

std::vector<std::string> splitList(std::string_view text) {
  std::vector<std::string> out;
  std::string item;
  auto flush = [&] {
    const auto first = item.find_first_not_of(" \t\"'");
    const auto last = item.find_last_not_of(" \t\"'");
    if (first != std::string::npos) {
      out.push_back(item.substr(first, last - first + 1));
    }
    item.clear();
  };
  for (char c : text) {
    if (c == ',') {
      flush();
    } else if (c != '[' && c != ']') {
      item += c;
    }
  }
  flush();
  return out;
}

Status checkKnownKeys(const Settings& settings, std::span<const std::string_view> known) {
  for (const auto& [key, value] : settings) {
    bool found = false;
    for (auto k : known) {
      found = found || k == key;
    }
    if (!found) {
      std::string message = "unknown setting \"" + key + "\"";
      if (auto hint = closestMatch(key, known)) {
        message += "; did you mean \"" + *hint + "\"?";
      }
      return Error(ErrorCode::kInvalidInput, message);
    }
  }
  return {};
}

Result<DurationMs> durationSetting(const Settings& settings, const std::string& key,
                                   DurationMs fallback) {
  auto it = settings.find(key);
  if (it == settings.end()) {
    return fallback;
  }
  auto parsed = parseDuration(it->second);
  if (!parsed.ok()) {
    return Error(ErrorCode::kInvalidInput, key + ": " + parsed.error().message);
  }
  return *parsed;
}

Result<long> countSetting(const Settings& settings, const std::string& key, long fallback) {
  auto it = settings.find(key);
  if (it == settings.end()) {
    return fallback;
  }
  long value = 0;
  const auto& text = it->second;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value <= 0) {
    return Error(ErrorCode::kInvalidInput,
                 key + ": expected a positive integer, got \"" + text + "\"");
  }
  return value;
}

std::string stringSetting(const Settings& settings, const std::string& key, std::string fallback) {
  auto it = settings.find(key);
  return it == settings.end() ? fallback : it->second;
}

}  // namespace nova::notify::detail
