#pragma once

#include <string>
#include <string_view>

#include "nova/core/result.h"
#include "nova/daemon/config.h"

namespace nova::daemon {

/// Installs spdlog's default logger on stderr: "text" (timestamp, level, message) or
/// "json" (one object per line: {"time":...,"level":...,"msg":...}).
void setupLogging(LogFormat format);

/// Everything --check-config checks beyond the YAML: the rule files load, the policy is
/// valid, the switch and notifiers can be built. Returns describe(config) on success.
Result<std::string> checkConfig(const AgentConfig& config);

/// Runs nova-agent until SIGTERM or SIGINT, then stops within about 2 s: the HTTP server
/// stops, the action worker drains with a bound, the escalator state is persisted.
/// SIGHUP reloads the rule files (an invalid file keeps the old rules; every error is
/// logged). Prints "listening on ADDRESS:PORT" on stdout once the server is bound.
/// Returns the exit code: 0 after a graceful stop, 1 when it cannot start.
int runDaemon(const AgentConfig& config, std::string_view version);

}  // namespace nova::daemon
