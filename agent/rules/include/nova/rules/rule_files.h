#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <string>

#include "nova/core/result.h"
#include "nova/rules/loader.h"

namespace nova::rules {

/// The most a rule file may hold; a larger one is refused before it is parsed.
inline constexpr std::size_t kMaxRuleFileBytes = std::size_t{4} << 20;

/// Reads one file's text (core's readFile with kMaxRuleFileBytes in the programs; a map in
/// tests).
using FileReader = std::function<Result<std::string>(const std::string& path)>;

/// Reads every file through `read`, loads each (loadDetailed) and merges them in order. The
/// error lists every problem of every file, one per line ("file:line:col: message", the
/// reader's error for a file that could not be read, "file: duplicate rule name ..."); its
/// code is the first problem's: the reader's for an unreadable file, kInvalidInput for a
/// rule. Pure given `read`.
Result<RuleSet> loadRuleFiles(std::span<const std::string> paths, const FileReader& read);

}  // namespace nova::rules
