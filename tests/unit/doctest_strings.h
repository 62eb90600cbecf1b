#pragma once

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace doctest {
/// Prints lists of messages one per line in failed checks.
template <>
struct StringMaker<std::vector<std::string>> {
  static String convert(const std::vector<std::string>& lines) {
    std::string out = "{";
    for (const std::string& line : lines) {
      out += "\n  " + line;
    }
    return (out + "\n}").c_str();
  }
};
}  // namespace doctest
