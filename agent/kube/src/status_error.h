#pragma once

#include <string>

#include "nova/http/client.h"
#include "nova/kube/api_error.h"

namespace nova::kube::detail {

/// Turns a non-2xx response into an ApiError: reads the Status body (kind "Status":
/// reason, message, code, details.retryAfterSeconds) when there is one, the Retry-After
/// header, and writes a summary naming `verb` and `object` ("RBAC forbids patch on
/// ingresses/api-ingress in production: ...").
ApiError fromResponse(const http::Response& response, const std::string& verb,
                      const std::string& object);

/// An ApiError for a request that got no response (timeout, reset, refused).
ApiError fromTransport(const std::string& message, const std::string& verb,
                       const std::string& object);

}  // namespace nova::kube::detail
