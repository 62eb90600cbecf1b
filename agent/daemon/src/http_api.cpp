#include <boost/json.hpp>
#include <limits>
#include <optional>
#include <string_view>

#include "daemon_shared.h"
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

// GET / and GET /v1/dashboard. The document comes from the cache, built by the loop when
// it is older than the cache's age; the page is static.
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
  auto document = ctx.dashboard->get(ctx.dashboardTimeout);
  if (!document) {
    return jsonError(503, "the agent loop did not build the dashboard in time");
  }
  return {200, kJson, {{"Cache-Control", "no-store"}}, std::move(*document)};
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

}  // namespace nova::daemon::detail
