#pragma once

#include <string>
#include <string_view>

#include "nova/core/time.h"

namespace nova::daemon::detail {

/// One log record as a JSON line: {"time":"<RFC 3339, ms, UTC>","level":...,"msg":...}
/// and a newline; the message is escaped as JSON requires.
std::string jsonLogLine(TimestampMs at, std::string_view level, std::string_view message);

}  // namespace nova::daemon::detail
