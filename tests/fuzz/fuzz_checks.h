#pragma once

// What every harness checks with: a broken property aborts, so libFuzzer saves the input.

#include <cstdlib>
#include <string_view>
#include <vector>

#include "nova/rules/loader.h"

namespace nova::fuzz {

inline void check(bool condition) {
  if (!condition) {
    std::abort();
  }
}

inline int lineCount(std::string_view text) {
  int lines = 1;
  for (char c : text) {
    lines += c == '\n' ? 1 : 0;
  }
  return lines;
}

/// Every diagnostic names a place inside `text` (1-based, give or take the line after it)
/// and says something.
inline void checkPlaces(const std::vector<rules::Diagnostic>& diagnostics, std::string_view text) {
  for (const auto& d : diagnostics) {
    check(d.line >= 1 && d.line <= lineCount(text) + 1);
    check(d.column >= 1);
    check(!d.message.empty());
  }
}

}  // namespace nova::fuzz
