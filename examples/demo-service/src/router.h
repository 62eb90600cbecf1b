#pragma once

#include "app.h"
#include "http_types.h"

namespace nova::demo {

/// Answers one request: /health, /metrics, /admin/faults[/reset] and the /api/v1/streams
/// family. Unknown paths are 404, known paths with another method 405. Never throws.
RouteResponse route(App& app, const RouteRequest& request);

/// `{"error":"<message>"}` with the given status, for every route's failures.
RouteResponse errorResponse(int status, std::string_view message);

}  // namespace nova::demo
