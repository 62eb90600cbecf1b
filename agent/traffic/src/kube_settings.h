#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "nova/core/result.h"
#include "nova/core/time.h"

namespace nova::traffic::detail {

/// Reads a switch's string settings by type, remembers which keys were read, and reports
/// the first problem (missing, malformed or unknown key) with the switch type in front.
class SettingsReader {
 public:
  SettingsReader(std::string type, const std::map<std::string, std::string>& settings)
      : type_(std::move(type)), settings_(settings) {}

  std::string text(const std::string& key, const std::string& fallback = "");
  std::string required(const std::string& key);
  std::int64_t count(const std::string& key, std::int64_t fallback);
  DurationMs duration(const std::string& key, DurationMs fallback);
  bool flag(const std::string& key, bool fallback);
  bool has(const std::string& key) const { return settings_.count(key) > 0; }

  /// The first problem seen, or an "unknown setting" error (with a did-you-mean hint) for
  /// keys never read; Status ok when every key was used and valid.
  Status finish() const;

 private:
  void fail(const std::string& message);

  std::string type_;
  const std::map<std::string, std::string>& settings_;
  std::set<std::string> read_;
  std::string error_;
};

}  // namespace nova::traffic::detail
