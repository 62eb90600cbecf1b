#include <algorithm>
#include <boost/json.hpp>
#include <boost/url/parse_query.hpp>
#include <limits>
#include <optional>
#include <string_view>

#include "daemon_shared.h"
#include "nova/core/rfc3339.h"
#include "nova/core/text.h"
#include "nova/dashboard/page.h"
#include "nova/http/encoding.h"

namespace nova::daemon::detail {
namespace {

namespace json = boost::json;

constexpr const char* kJson = "application/json";
constexpr const char* kText = "text/plain; charset=utf-8";
// /healthz fails when the loop has not come round for this long.
constexpr DurationMs kStaleLoop = 5 * kSecond;

http::ServerResponse text(int status, std::string body) {
  return {status, kText, {}, std::move(body) + "\n"};
}

http::ServerResponse jsonError(int status, const std::string& message) {
  return {status, kJson, {}, commandErrorJson(message)};
}

std::optional<std::string> field(const json::object& o, std::string_view name, std::string& error) {
  const auto* v = o.if_contains(name);
  if (v == nullptr) {
    return std::nullopt;
  }
  if (!v->is_string()) {
    error = std::string(name) + ": must be a string";
    return std::nullopt;
  }
  return std::string(v->get_string().c_str());
}

// The token of an "Authorization: Bearer <token>" header. The scheme is case-insensitive
// (RFC 9110 11.1) and may be followed by more than one space.
std::optional<std::string_view> bearerToken(const std::string* header) {
  if (header == nullptr) {
    return std::nullopt;
  }
  const std::string_view value = *header;
  const std::size_t space = value.find(' ');
  if (space == std::string_view::npos || !equalsIgnoreCase(value.substr(0, space), "bearer")) {
    return std::nullopt;
  }
  const std::string_view token = trim(value.substr(space));
  if (token.empty()) {
    return std::nullopt;
  }
  return token;
}

http::ServerResponse command(ApiContext& ctx, Command::Kind kind,
                             const http::ServerRequest& request) {
  if (!ctx.token) {
    return text(404, "not found (the command API is off: no api_token configured)");
  }
  const std::optional<std::string_view> presented = bearerToken(request.header("authorization"));
  if (!presented) {
    auto r = jsonError(401, "missing bearer token");
    r.headers.emplace_back("WWW-Authenticate", "Bearer");
    return r;
  }
  if (!http::constantTimeEquals(*presented, *ctx.token)) {
    return jsonError(403, "wrong token");
  }
  auto parsed = parseCommand(kind, request.body);
  if (!parsed.ok()) {
    return jsonError(400, parsed.error().message);
  }
  auto reply = ctx.inbox.submit(std::move(parsed).value(), ctx.commandTimeout);
  if (!reply) {
    return jsonError(503, "the agent loop did not answer in time; the command may still apply");
  }
  return {reply->status, kJson, {}, reply->body};
}

// A time in a query: ms since the epoch, as the document writes times, or RFC 3339.
std::optional<TimestampMs> queryTime(const std::string& text) {
  if (!text.empty() && text.size() <= 15 &&
      std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::stoll(text);
  }
  auto parsed = parseRfc3339(text);
  return parsed.ok() ? std::optional<TimestampMs>(*parsed) : std::nullopt;
}

// ?from=T1&to=T2 of GET /v1/dashboard, checked against now and the store's retention.
Result<dashboard::ChartRange> chartRange(std::string_view query, TimestampMs now,
                                         std::optional<TimestampMs> oldestStored) {
  auto params = boost::urls::parse_query(query);
  if (!params) {
    return Error(ErrorCode::kInvalidInput, "the query does not parse");
  }
  std::optional<TimestampMs> from;
  std::optional<TimestampMs> to;
  for (const auto& param : *params) {
    const std::string key = param.key.decode();
    if (key != "from" && key != "to") {
      return Error(ErrorCode::kInvalidInput, "unknown parameter \"" + key + "\" (from, to)");
    }
    const auto at = queryTime(param.value.decode());
    if (!at) {
      return Error(ErrorCode::kInvalidInput,
                   key + ": ms since the epoch or an RFC 3339 time, such as 2025-12-05T02:00:00Z");
    }
    (key == "from" ? from : to) = at;
  }
  if (!from || !to) {
    return Error(ErrorCode::kInvalidInput, "from and to go together");
  }
  return dashboard::checkChartRange({*from, *to}, now, oldestStored);
}

// GET / and GET /v1/dashboard[?from=&to=]. The document comes from the cache, built by the loop
// when it is older than the cache's age; the page is static.
http::ServerResponse dashboard(ApiContext& ctx, const http::ServerRequest& request) {
  if (ctx.dashboard == nullptr) {
    return text(404, "not found");
  }
  if (request.method != "GET" && request.method != "HEAD") {
    return text(405, "method not allowed");
  }
  if (request.path == "/") {
    return {200, "text/html; charset=utf-8", {}, std::string(nova::dashboard::dashboardPage())};
  }
  std::optional<std::string> document;
  if (request.query.empty()) {
    document = ctx.dashboard->get(ctx.dashboardTimeout);
  } else {
    const std::int64_t oldest = ctx.published.oldestStored.load();
    auto range = chartRange(request.query, ctx.clock.now(),
                            oldest == std::numeric_limits<std::int64_t>::min()
                                ? std::nullopt
                                : std::optional<TimestampMs>(oldest));
    if (!range.ok()) {
      return jsonError(400, range.error().message);
    }
    document = ctx.dashboard->getRange(*range, ctx.dashboardTimeout);
  }
  if (!document) {
    return jsonError(503, "the agent loop did not build the dashboard in time");
  }
  return {200, kJson, {{"Cache-Control", "no-store"}}, std::move(*document)};
}

// GET /v1/incidents/<id>/charts: the document saved when the agent's rollback of that
// incident completed. Unauthenticated, like /status and /v1/dashboard: reads only.
http::ServerResponse incidentCharts(ApiContext& ctx, const http::ServerRequest& request) {
  constexpr std::string_view kPrefix = "/v1/incidents/";
  constexpr std::string_view kSuffix = "/charts";
  const std::string_view path = request.path;
  if (ctx.incidentCharts == nullptr || !path.starts_with(kPrefix) || !path.ends_with(kSuffix) ||
      path.size() <= kPrefix.size() + kSuffix.size()) {
    return text(404, "not found");
  }
  if (request.method != "GET" && request.method != "HEAD") {
    return text(405, "method not allowed");
  }
  const std::string id(path.substr(kPrefix.size(), path.size() - kPrefix.size() - kSuffix.size()));
  auto document = ctx.incidentCharts->load(id);
  if (!document.ok()) {
    const ErrorCode code = document.error().code;
    return jsonError(code == ErrorCode::kInvalidInput ? 400
                     : code == ErrorCode::kNotFound   ? 404
                                                      : 500,
                     document.error().message);
  }
  return {200, kJson, {}, std::move(document).value()};
}

}  // namespace

Result<Command> parseCommand(Command::Kind kind, std::string_view body) {
  Command c;
  c.kind = kind;
  c.who = "api";
  if (trim(body).empty()) {
    if (kind == Command::Kind::kHold) {
      return Error(ErrorCode::kInvalidInput,
                   "body: {\"for\":\"10m\",\"who\":...,\"reason\":...} is required");
    }
    return c;
  }
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) {
    return Error(ErrorCode::kInvalidInput, "body: must be a JSON object");
  }
  const auto& o = v.get_object();
  std::string error;
  if (auto who = field(o, "who", error)) {
    c.who = *who;
  }
  if (auto reason = field(o, "reason", error)) {
    c.reason = *reason;
  }
  if (kind == Command::Kind::kHold) {
    // A hold covers up to HIGH unless it says "covers":"critical": a hold taken to look
    // into one problem must not swallow a CRITICAL (API down, data loss) that comes later.
    if (auto covers = field(o, "covers", error)) {
      if (auto severity = parseSeverity(*covers)) {
        c.holdCovers = *severity;
      } else {
        error = "covers: must be low, medium, high or critical";
      }
    }
    auto forText = field(o, "for", error);
    if (!forText && error.empty()) {
      error = "for: required (e.g. \"10m\")";
    } else if (forText) {
      auto d = parseDuration(*forText);
      if (!d.ok() || *d <= 0) {
        error = "for: must be a positive duration such as \"10m\"";
      } else {
        c.holdFor = *d;
      }
    }
  }
  if (!error.empty()) {
    return Error(ErrorCode::kInvalidInput, error);
  }
  return c;
}

http::Handler makeApiHandler(ApiContext& ctx) {
  return [&ctx](const http::ServerRequest& request) -> http::ServerResponse {
    const std::string& path = request.path;
    const bool get = request.method == "GET" || request.method == "HEAD";
    if (path == "/metrics" || path == "/healthz" || path == "/readyz" || path == "/status") {
      if (!get) {
        return text(405, "method not allowed");
      }
      if (path == "/metrics") {
        for (const auto& [name, counters] : ctx.listeners) {
          ctx.metrics.connections(name, *counters);
        }
        return {200, "text/plain; version=0.0.4; charset=utf-8", {}, ctx.metrics.serialize()};
      }
      if (path == "/healthz") {
        const std::int64_t beat = ctx.published.heartbeat.load();
        const bool alive = beat != std::numeric_limits<std::int64_t>::min() &&
                           ctx.clock.monoNow().ms() - beat < kStaleLoop;
        return alive ? text(200, "ok") : text(503, "loop stalled");
      }
      if (path == "/readyz") {
        return ctx.published.ready.load() ? text(200, "ready")
                                          : text(503, "not ready: no successful scrape yet");
      }
      return {200, kJson, {}, ctx.published.status()};
    }
    if (path == "/" || path == nova::dashboard::kDocumentPath) {
      return dashboard(ctx, request);
    }
    if (path.starts_with("/v1/incidents/")) {
      return incidentCharts(ctx, request);
    }
    const std::pair<const char*, Command::Kind> commands[] = {
        {"/v1/hold", Command::Kind::kHold},
        {"/v1/release", Command::Kind::kRelease},
        {"/v1/rollback", Command::Kind::kRollback}};
    for (const auto& [p, kind] : commands) {
      if (path == p) {
        if (request.method != "POST") {
          return text(405, "method not allowed");
        }
        return command(ctx, kind, request);
      }
    }
    return text(404, "not found");
  };
}

http::Handler makeProbeHandler(ApiContext& ctx) {
  return [api = makeApiHandler(ctx)](const http::ServerRequest& request) {
    if (request.path != "/healthz" && request.path != "/readyz") {
      return text(404, "not found (this listener answers /healthz and /readyz)");
    }
    return api(request);
  };
}

}  // namespace nova::daemon::detail
