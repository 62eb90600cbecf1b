#pragma once

#include <string>

namespace nova::testing {

/// The "color" field of the demo service's /health at `healthUrl` (through nginx: the
/// color nginx routes to); "" when nothing answers with one.
std::string servedColor(const std::string& healthUrl);

}  // namespace nova::testing
