#include "router.h"

#include <boost/json.hpp>

#include "streams_api.h"

namespace nova::demo {
namespace {

namespace json = boost::json;

constexpr std::string_view kExpositionType = "text/plain; version=0.0.4; charset=utf-8";

RouteResponse health(App& app) {
  const FaultSet faults = app.faults.current();
  json::object body;
  body["status"] = faults.healthDown ? "unhealthy" : "healthy";
  body["version"] = app.config.version;
  body["color"] = app.config.color;
  RouteResponse response;
  response.status = faults.healthDown ? 503 : 200;
  response.body = json::serialize(body);
  response.route = "/health";
  response.delay = std::chrono::milliseconds(faults.addedLatencyMs);
  return response;
}

RouteResponse metrics(App& app) {
  if (app.faults.current().metricsDown) {
    return errorResponse(503, "metrics unavailable (injected fault)");
  }
  RouteResponse response;
  response.body = app.metrics.serialize();
  response.contentType = std::string(kExpositionType);
  return response;
}

RouteResponse faultsResponse(const FaultSet& faults) {
  RouteResponse response;
  response.body = faultSetToJson(faults);
  return response;
}

RouteResponse adminFaults(App& app, const RouteRequest& request) {
  if (request.path == "/admin/faults/reset") {
    if (request.method != "POST") {
      return errorResponse(405, "use POST");
    }
    resetFaults(app);
    return faultsResponse(app.faults.current());
  }
  if (request.method == "GET") {
    return faultsResponse(app.faults.current());
  }
  if (request.method != "POST") {
    return errorResponse(405, "use GET or POST");
  }
  Result<FaultPatch> patch = parseFaultPatch(request.body);
  if (!patch) {
    return errorResponse(400, patch.error().message);
  }
  return faultsResponse(applyFaults(app, *patch));
}

}  // namespace

RouteResponse errorResponse(int status, std::string_view message) {
  json::object body;
  body["error"] = json::string_view(message.data(), message.size());
  RouteResponse response;
  response.status = status;
  response.body = json::serialize(body);
  return response;
}

RouteResponse route(App& app, const RouteRequest& request) {
  const std::string_view path = request.path;
  if (path == "/health") {
    return request.method == "GET" ? health(app) : errorResponse(405, "use GET");
  }
  if (path == "/metrics") {
    return request.method == "GET" ? metrics(app) : errorResponse(405, "use GET");
  }
  if (path == "/admin/faults" || path == "/admin/faults/reset") {
    return adminFaults(app, request);
  }
  if (path.starts_with("/api/")) {
    return handleStreamsApi(app, request);
  }
  if (path == "/ws") {
    return errorResponse(426, "/ws needs a WebSocket upgrade");
  }
  RouteResponse response = errorResponse(404, "no route for " + std::string(path));
  response.route = "unmatched";
  return response;
}

}  // namespace nova::demo
