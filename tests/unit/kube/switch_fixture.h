#pragma once

#include <string>

#include "nova/traffic/switch.h"

namespace nova::traffic::test {

/// "flipped", "already_blue", "impossible", or "error: <message>": readable in doctest output.
inline std::string kindOf(const Result<SwitchOutcome>& outcome) {
  return outcome.ok() ? std::string(toString(outcome->kind)) : "error: " + outcome.error().message;
}

/// "green", "blue", "unknown", or "error: <message>".
inline std::string backendOf(const Result<TrafficState>& state) {
  return state.ok() ? std::string(toString(state->backend)) : "error: " + state.error().message;
}

}  // namespace nova::traffic::test
