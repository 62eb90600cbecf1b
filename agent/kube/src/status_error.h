#pragma once

#include <string>

#include "nova/core/error.h"
#include "nova/core/time.h"
#include "nova/http/client.h"
#include "nova/kube/api_error.h"

namespace nova::kube::detail {

/// Turns a non-2xx response into an ApiError: reads the Status body (kind "Status":
/// reason, message, code, details.retryAfterSeconds) when there is one, the Retry-After
/// header (an HTTP date is taken relative to the wall time `now`), and writes a summary
/// naming `verb` and `object` ("RBAC forbids patch on ingresses/api-ingress in production:
/// ...").
ApiError fromResponse(const http::Response& response, const std::string& verb,
                      const std::string& object, TimestampMs now);

/// An ApiError for a request that got no response, classified by the transport error's
/// code (kTimeout stays kTimeout; anything else that failed below HTTP is kTransport).
ApiError fromTransport(const Error& error, const std::string& verb, const std::string& object);

/// An answer with a 2xx status whose body is not JSON (kInternal).
ApiError decodeFailure(long status, const std::string& why, const std::string& verb,
                       const std::string& object);

/// No bearer token could be read (kRefused): the request was not sent.
ApiError noCredentials(const Error& error, const std::string& verb, const std::string& object);

}  // namespace nova::kube::detail
