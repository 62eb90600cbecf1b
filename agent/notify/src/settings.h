#pragma once

#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "nova/core/result.h"
#include "nova/core/time.h"

namespace nova::notify::detail {

using Settings = std::map<std::string, std::string>;

/// "a, b" or "[a, b]" -> {"a", "b"}; empty items are skipped.
std::vector<std::string> splitList(std::string_view text);

/// Fails (kInvalidInput) on the first key not in `known`, with a did-you-mean hint.
Status checkKnownKeys(const Settings& settings, std::span<const std::string_view> known);

/// The setting as a duration ("1m"), or `fallback` when absent. Errors: kInvalidInput.
Result<DurationMs> durationSetting(const Settings& settings, const std::string& key,
                                   DurationMs fallback);

/// The setting as a positive integer, or `fallback` when absent. Errors: kInvalidInput.
Result<long> countSetting(const Settings& settings, const std::string& key, long fallback);

/// The setting, or `fallback` when absent.
std::string stringSetting(const Settings& settings, const std::string& key,
                          std::string fallback = "");

}  // namespace nova::notify::detail
