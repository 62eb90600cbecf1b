#pragma once

#include <optional>

#include "config.h"

namespace nova::demo {

/// Fills `config` from the command line (flags in README.md). Returns the exit code when the
/// program should end now: 0 after --help, 2 after printing a usage error or an unreadable
/// token file. Returns nothing when the service should start.
std::optional<int> parseCommandLine(int argc, char** argv, ServiceConfig& config);

}  // namespace nova::demo
