#pragma once

#include <string>
#include <string_view>

namespace nova::http {

/// Whether a service's health answer passes: HTTP 200 and a JSON object whose string field
/// `status` equals `expected` ("healthy"). Returns "" on pass, else the reason for people
/// ("health: HTTP status 503, want 200", "health: status \"degraded\", want \"healthy\"").
/// Pure; the one judgement of a health endpoint, shared by the prober (green) and the
/// blue-readiness guard (blue).
std::string checkHealthResponse(long httpStatus, std::string_view body, std::string_view expected);

}  // namespace nova::http
