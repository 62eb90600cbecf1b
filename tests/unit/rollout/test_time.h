#pragma once

#include <doctest/doctest.h>

#include <string_view>

#include "nova/core/rfc3339.h"

namespace nova::rollout::test {

/// The wall time of an RFC 3339 text, for fixed instants in tests.
inline TimestampMs at(std::string_view text) {
  auto parsed = parseRfc3339(text);
  REQUIRE(parsed.ok());
  return *parsed;
}

}  // namespace nova::rollout::test
