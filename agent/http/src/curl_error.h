#pragma once

#include <curl/curl.h>

#include "nova/core/error.h"

namespace nova::http::detail {

/// The code callers branch on for a failed curl transfer:
/// - kTimeout: the transfer or connect timeout, or the low-speed cut-off, was reached.
/// - kTransport: the exchange failed below HTTP: DNS, connect refused or unreachable, reset,
///   nothing or garbage received, a TLS handshake or peer verification failure. Retryable.
/// - kInvalidInput: the request cannot work as given: a malformed URL, a scheme other than
///   http/https, a body over the cap, local TLS material that does not load, too many
///   redirects. Not retryable.
/// - kRefused: the peer refused our credentials at the transport level.
/// - kInternal: out of memory, a callback failure, a curl misuse.
ErrorCode errorCodeFor(CURLcode code);

}  // namespace nova::http::detail
