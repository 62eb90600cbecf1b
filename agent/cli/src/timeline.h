#pragma once

#include <string>

#include "nova/watch/replay.h"

namespace nova::cli {

/// A replay's decision timeline for people, one line per event and per action, times
/// relative to t = 0.
std::string formatTimeline(const watch::ScenarioReport& report);

}  // namespace nova::cli
