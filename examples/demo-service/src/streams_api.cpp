#include "streams_api.h"

#include <boost/json.hpp>
#include <cstdint>

#include "router.h"

namespace nova::demo {
namespace {

namespace json = boost::json;

constexpr std::string_view kPrefix = "/api/v1/streams";
constexpr std::size_t kListLimit = 100;
constexpr std::size_t kMaxTitle = 256;
constexpr std::size_t kMaxDescription = 4096;

bool authorised(const App& app, std::string_view header) {
  const std::string& token = app.config.token;
  if (token.empty()) {
    return true;
  }
  constexpr std::string_view kScheme = "Bearer ";
  if (!header.starts_with(kScheme)) {
    return false;
  }
  const std::string_view given = header.substr(kScheme.size());
  // Compare every byte whatever the mismatch, so the time taken says nothing about the token.
  unsigned char diff = given.size() == token.size() ? 0 : 1;
  for (std::size_t i = 0; i < given.size(); ++i) {
    diff |= static_cast<unsigned char>(given[i] ^ token[i % token.size()]);
  }
  return diff == 0;
}

json::object toJson(const Stream& stream) {
  return {{"id", stream.id},  {"title", stream.title},          {"description", stream.description},
          {"status", "live"}, {"created_at", stream.createdAt}, {"viewer_count", 0}};
}

RouteResponse jsonResponse(int status, const json::value& body) {
  RouteResponse response;
  response.status = status;
  response.body = json::serialize(body);
  return response;
}

// The pretend database round trip: a small spread-out base time plus the injected latency,
// recorded in pg_query_duration_seconds. Only the injected part is actually waited for.
std::chrono::milliseconds simulateQuery(App& app, std::string_view query) {
  static thread_local std::uint64_t calls = 0;
  const std::int64_t injectedMs = app.faults.current().dbLatencyMs;
  const double baseMs = 0.5 + static_cast<double>((++calls * 2654435761ULL) % 3500) / 1000.0;
  app.metrics.observeDbQuery(query, (baseMs + static_cast<double>(injectedMs)) / 1000.0);
  return std::chrono::milliseconds(injectedMs);
}

RouteResponse create(App& app, std::string_view body) {
  boost::system::error_code ec;
  const json::value doc = json::parse(json::string_view(body.data(), body.size()), ec);
  if (ec || !doc.is_object()) {
    return errorResponse(400, "body must be a JSON object with a string \"title\"");
  }
  const json::object& object = doc.get_object();
  const json::value* title = object.if_contains("title");
  const json::value* description = object.if_contains("description");
  if (title == nullptr || !title->is_string() || title->get_string().empty() ||
      title->get_string().size() > kMaxTitle) {
    return errorResponse(400, "\"title\" must be a non-empty string of at most 256 bytes");
  }
  if (description != nullptr &&
      (!description->is_string() || description->get_string().size() > kMaxDescription)) {
    return errorResponse(400, "\"description\" must be a string of at most 4096 bytes");
  }
  const bool lose = app.faults.current().dataLoss;
  const Stream stream = app.streams.create(
      std::string(title->get_string()),
      description != nullptr ? std::string(description->get_string()) : std::string(), !lose);
  if (lose) {
    app.metrics.countDataLossEvent();
  }
  app.metrics.setActiveStreams(static_cast<double>(app.streams.size()));
  return jsonResponse(201, toJson(stream));
}

RouteResponse list(App& app) {
  json::array streams;
  for (const Stream& stream : app.streams.active(kListLimit)) {
    streams.push_back(toJson(stream));
  }
  const json::object body{{"streams", std::move(streams)}, {"total_count", app.streams.size()}};
  return jsonResponse(200, body);
}

RouteResponse getOne(App& app, const std::string& id) {
  const auto stream = app.streams.get(id);
  if (!stream) {
    return errorResponse(404, "no stream " + id);
  }
  return jsonResponse(200, toJson(*stream));
}

RouteResponse removeOne(App& app, const std::string& id) {
  if (!app.streams.remove(id)) {
    return errorResponse(404, "no stream " + id);
  }
  app.metrics.setActiveStreams(static_cast<double>(app.streams.size()));
  RouteResponse response;
  response.status = 204;
  return response;
}

// Picks the handler and names the route and the query it stands for; 405/404 otherwise.
RouteResponse dispatch(App& app, const RouteRequest& request, std::string_view rest,
                       const char*& query) {
  const std::string_view method = request.method;
  if (rest.empty()) {
    if (method == "POST") {
      query = "insert_stream";
      return create(app, request.body);
    }
    if (method == "GET") {
      query = "list_streams";
      return list(app);
    }
    return errorResponse(405, "use GET or POST");
  }
  if (rest == "/active") {
    query = "list_streams";
    return method == "GET" ? list(app) : errorResponse(405, "use GET");
  }
  const std::string id(rest.substr(1));
  if (method == "GET") {
    query = "select_stream";
    return getOne(app, id);
  }
  if (method == "DELETE") {
    query = "delete_stream";
    return removeOne(app, id);
  }
  return errorResponse(405, "use GET or DELETE");
}

// The route template for the metrics, or empty for paths outside the API.
std::string routeOf(std::string_view path) {
  if (!path.starts_with(kPrefix)) {
    return {};
  }
  const std::string_view rest = path.substr(kPrefix.size());
  if (rest.empty()) {
    return std::string(kPrefix);
  }
  if (rest == "/active") {
    return std::string(kPrefix) + "/active";
  }
  if (rest.size() > 1 && rest.front() == '/' && rest.find('/', 1) == std::string_view::npos) {
    return std::string(kPrefix) + "/{id}";
  }
  return {};
}

}  // namespace

RouteResponse handleStreamsApi(App& app, const RouteRequest& request) {
  const std::string route = routeOf(request.path);
  if (route.empty()) {
    RouteResponse response = errorResponse(404, "no route for " + std::string(request.path));
    response.route = "unmatched";
    return response;
  }
  RouteResponse response;
  if (!authorised(app, request.authorization)) {
    response = errorResponse(401, "missing or invalid bearer token");
    response.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"nova\"");
  } else if (app.faults.nextApiRequestFails()) {
    response = errorResponse(500, "internal error (injected fault)");
  } else {
    const char* query = nullptr;
    response = dispatch(app, request, request.path.substr(kPrefix.size()), query);
    // A refused body never reached the database.
    if (query != nullptr && response.status != 400) {
      response.delay += simulateQuery(app, query);
    }
  }
  response.route = route;
  response.delay += std::chrono::milliseconds(app.faults.current().addedLatencyMs);
  return response;
}

}  // namespace nova::demo
