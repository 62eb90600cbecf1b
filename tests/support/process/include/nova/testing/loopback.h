#pragma once

#include <cstdint>

namespace nova::testing {

/// A blocking TCP socket connected to 127.0.0.1:`port`, for tests that speak to a server
/// byte by byte (slow or silent clients). Returns the descriptor, which the caller closes,
/// or -1 when the connection failed.
int connectLoopback(std::uint16_t port);

}  // namespace nova::testing
