#pragma once

#include <string>

#include "nova/watch/replay.h"

namespace nova::cli {

/// A replay's decision timeline for people, times relative to t = 0: one line per event,
/// per action ("=> rollback: why"), per rollback attempt ("rollback attempt 2: error: ...")
/// and per notification ("-> incident_opened 0-1 to log, pagerduty").
std::string formatTimeline(const watch::ScenarioReport& report);

}  // namespace nova::cli
