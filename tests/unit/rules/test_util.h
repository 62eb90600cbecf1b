#pragma once

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "nova/rules/loader.h"

namespace nova::rules::test {

/// The diagnostics of loading `yaml` as "f.yaml", as "line:col: message" strings.
inline std::vector<std::string> problems(const std::string& yaml) {
  std::vector<std::string> out;
  for (const Diagnostic& d : loadDetailed(yaml, "f.yaml").diagnostics) {
    out.push_back(std::to_string(d.line) + ":" + std::to_string(d.column) + ": " + d.message);
  }
  return out;
}

/// A one-rule file with `body` lines (each indented by four spaces) after the name.
inline std::string oneRule(const std::string& body) {
  return "rules:\n  - name: r\n" + body;
}

}  // namespace nova::rules::test

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
