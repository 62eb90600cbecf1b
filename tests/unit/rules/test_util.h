#pragma once

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "../doctest_strings.h"
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
