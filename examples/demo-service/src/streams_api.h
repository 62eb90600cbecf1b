#pragma once

#include "app.h"
#include "http_types.h"

namespace nova::demo {

/// The /api/v1/streams routes: bearer-token check (401), the error-ratio fault (500), the
/// simulated database query with its latency, then POST, GET list, GET active, GET one and
/// DELETE. `request.path` starts with "/api/".
RouteResponse handleStreamsApi(App& app, const RouteRequest& request);

}  // namespace nova::demo
