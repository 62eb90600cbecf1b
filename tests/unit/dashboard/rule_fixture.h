#pragma once

#include <doctest/doctest.h>

#include <string>

#include "nova/core/files.h"
#include "nova/rules/loader.h"

namespace nova::dashboard::test {

inline rules::RuleSet loadRules(const std::string& yaml) {
  auto set = rules::load(yaml, "test.yaml");
  REQUIRE_MESSAGE(set.ok(), (set.ok() ? "" : set.error().message));
  return std::move(set).value();
}

inline rules::RuleSet defaultRules() {
  auto text = readFile(std::string(NOVA_SOURCE_DIR) + "/rules/default.yaml", 1 << 20);
  REQUIRE(text.ok());
  return loadRules(*text);
}

}  // namespace nova::dashboard::test
