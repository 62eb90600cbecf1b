#pragma once
// Reading scripts in the runner's own tests.
#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include "script.h"

namespace nova::conformance::testing {

/// The commands of a script that must read.
inline std::vector<Command> mustRead(const std::string& text) {
  auto commands = readScript(text);
  REQUIRE_MESSAGE(commands.ok(), (commands.ok() ? "" : commands.error().message));
  return std::move(*commands);
}

/// The one eval command of a script that must read.
inline EvalCommand mustEval(const std::string& text) {
  std::vector<Command> commands = mustRead(text);
  REQUIRE(commands.size() == 1);
  REQUIRE(std::holds_alternative<EvalCommand>(commands.front()));
  return std::get<EvalCommand>(commands.front());
}

}  // namespace nova::conformance::testing
