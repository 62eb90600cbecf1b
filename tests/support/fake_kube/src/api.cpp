#include "api.h"

#include <boost/json/serialize.hpp>

#include "json_patch.h"

namespace nova::fake_kube::detail {

namespace json = boost::json;

namespace {

std::vector<std::string> splitPath(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t start = 1;
  while (start <= path.size()) {
    auto slash = path.find('/', start);
    std::string part = path.substr(start, slash == std::string::npos ? slash : slash - start);
    if (!part.empty()) {
      parts.push_back(part);
    }
    if (slash == std::string::npos) {
      break;
    }
    start = slash + 1;
  }
  return parts;
}

// The RBAC verb of a request, as the authorizer names it.
std::string verbOf(const std::string& method, bool list) {
  if (method == "GET") {
    return list ? "list" : "get";
  }
  if (method == "PATCH") {
    return "patch";
  }
  if (method == "PUT") {
    return "update";
  }
  if (method == "DELETE") {
    return "delete";
  }
  return "create";
}

}  // namespace

std::string Api::key(std::string_view resource, std::string_view ns, std::string_view name) {
  return std::string(resource) + "/" + std::string(ns) + "/" + std::string(name);
}

std::string Api::bumpVersion() {
  return std::to_string(++version_);
}

void Api::record(const ApiRequest& request, const ApiResponse& response) {
  requests_.push_back({request.method, request.path, request.query, request.contentType,
                       request.body, response.reset ? 0 : response.status});
}

ApiResponse Api::handle(const ApiRequest& request, const std::string& hostPort) {
  ApiResponse response;
  MonoTime releaseAt;
  {
    std::lock_guard lock(mutex_);
    arrivals_.push_back({request.method, request.path, request.query, "", "", 0});
    if (auto fault = takeFault(request)) {
      response = *fault;
    } else {
      response = serve(request, hostPort);
    }
    if (response.delay > 0) {
      releaseAt = clock_.monoNow() + response.delay;
    } else {
      record(request, response);
    }
  }
  changed_.notify_all();
  if (response.delay == 0) {
    return response;
  }
  // A slow answer: hold the request on the clock (outside the lock), then serve as usual.
  bool stopped = false;
  {
    std::unique_lock lock(held_.mutex());
    stopped = held_.waitUntil(lock, releaseAt, [this] { return stopping_; });
  }
  {
    std::lock_guard lock(mutex_);
    response = stopped ? ApiResponse{} : serve(request, hostPort);
    response.reset = stopped;
    record(request, response);
  }
  changed_.notify_all();
  return response;
}

void Api::stop() {
  {
    std::lock_guard lock(held_.mutex());
    stopping_ = true;
  }
  held_.notifyAll();
}

std::optional<ApiResponse> Api::takeFault(const ApiRequest& request) {
  for (auto it = faults_.begin(); it != faults_.end(); ++it) {
    if ((!it->method.empty() && it->method != request.method) ||
        (!it->pathContains.empty() && request.path.find(it->pathContains) == std::string::npos)) {
      continue;
    }
    Fault fault = *it;
    if (--it->times <= 0) {
      faults_.erase(it);
    }
    ApiResponse response;
    json::object details;
    if (fault.retryAfterSeconds > 0) {
      details["retryAfterSeconds"] = fault.retryAfterSeconds;
      response.headers.emplace_back("Retry-After", std::to_string(fault.retryAfterSeconds));
    }
    auto withStatus = [&](int code, const char* reason, const char* message, const json::value& d) {
      auto headers = response.headers;
      response = statusResponse(code, reason, message, d);
      response.headers = headers;
      return response;
    };
    switch (fault.kind) {
      case Fault::Kind::kTooManyRequests:
        return withStatus(429, "TooManyRequests", "Too many requests, please try again later.",
                          details);
      case Fault::Kind::kInternalError:
        response.headers.clear();
        return withStatus(500, "InternalError",
                          "Internal error occurred: injected fault (etcdserver: leader changed)",
                          nullptr);
      case Fault::Kind::kServiceUnavailable:
        return withStatus(503, "ServiceUnavailable",
                          "the server is currently unable to handle the request", details);
      case Fault::Kind::kGatewayTimeout:
        response.headers.clear();
        return withStatus(504, "Timeout",
                          "Timeout: request did not complete within requested timeout - "
                          "context deadline exceeded",
                          nullptr);
      case Fault::Kind::kSlow:
        response = ApiResponse{};
        response.delay = std::max<DurationMs>(1, fault.delay);
        return response;
      case Fault::Kind::kReset:
        response = ApiResponse{};
        response.reset = true;
        return response;
    }
  }
  return std::nullopt;
}

std::optional<ApiResponse> Api::checkAuth(const ApiRequest& request) const {
  if (options_.tokens.empty()) {
    return std::nullopt;
  }
  const std::string prefix = "Bearer ";
  if (request.authorization.starts_with(prefix)) {
    const std::string token = request.authorization.substr(prefix.size());
    for (const auto& accepted : options_.tokens) {
      if (token == accepted) {
        return std::nullopt;
      }
    }
  }
  return statusResponse(401, "Unauthorized", "Unauthorized");
}

std::optional<ApiResponse> Api::checkRbac(const std::string& verb, const Target& target) const {
  std::string resource = target.type->resource;
  if (!target.subresource.empty()) {
    resource += "/" + target.subresource;
  }
  for (const auto& [v, r] : forbidden_) {
    if (v != verb || r != resource) {
      continue;
    }
    std::string message = qualified(*target.type);
    if (!target.name.empty()) {
      message += " \"" + target.name + "\"";
    }
    message += " is forbidden: User \"" + options_.user + "\" cannot " + verb + " resource \"" +
               resource + "\" in API group \"" + target.type->group + "\"";
    message +=
        target.ns.empty() ? " at the cluster scope" : " in the namespace \"" + target.ns + "\"";
    json::object details{{"group", target.type->group}, {"kind", target.type->resource}};
    if (!target.name.empty()) {
      details["name"] = target.name;
    }
    return statusResponse(403, "Forbidden", message, details);
  }
  return std::nullopt;
}

std::optional<Api::Target> Api::parseTarget(const std::string& path) const {
  auto parts = splitPath(path);
  std::size_t i = 0;
  std::string group;
  if (parts.size() >= 2 && parts[0] == "api") {
    i = 2;
  } else if (parts.size() >= 3 && parts[0] == "apis") {
    group = parts[1];
    i = 3;
  } else {
    return std::nullopt;
  }
  Target target;
  if (i + 2 == parts.size() && parts[i] == "namespaces") {
    // /api/v1/namespaces/<name>: the cluster-scoped Namespace object itself.
    target.type = typeByResource(group, "namespaces");
    target.name = parts[i + 1];
    return target;
  }
  if (i + 1 < parts.size() && parts[i] == "namespaces") {
    target.ns = parts[i + 1];
    i += 2;
  }
  if (i >= parts.size()) {
    return std::nullopt;
  }
  target.type = typeByResource(group, parts[i]);
  if (target.type == nullptr) {
    return std::nullopt;
  }
  if (i + 1 < parts.size()) {
    target.name = parts[i + 1];
  }
  if (i + 2 < parts.size()) {
    target.subresource = parts[i + 2];
  }
  if (i + 3 < parts.size() || (!target.subresource.empty() && target.subresource != "scale")) {
    return std::nullopt;
  }
  return target;
}

ApiResponse Api::notFound(const Target& target) const {
  json::object details{
      {"name", target.name}, {"group", target.type->group}, {"kind", target.type->resource}};
  return statusResponse(404, "NotFound",
                        qualified(*target.type) + " \"" + target.name + "\" not found", details);
}

ApiResponse Api::serve(const ApiRequest& request, const std::string& hostPort) {
  if (auto denied = checkAuth(request)) {
    return *denied;
  }
  settle();
  if (request.method == "GET") {
    if (auto document = discovery(request.path, hostPort)) {
      return *document;
    }
  }
  auto target = parseTarget(request.path);
  if (!target) {
    return statusResponse(404, "NotFound", "the server could not find the requested resource",
                          json::object{});
  }
  const bool list = target->name.empty();
  if (auto denied = checkRbac(verbOf(request.method, list), *target)) {
    return *denied;
  }
  if (list && request.method == "GET") {
    return serveList(request, *target);
  }
  if (list && request.method == "POST") {
    return createObject(request, *target);
  }
  if (!list && request.method == "DELETE" && target->subresource.empty()) {
    return deleteObject(request, *target);
  }
  if (list) {
    return statusResponse(405, "MethodNotAllowed",
                          "the server does not allow this method on the requested resource");
  }
  return serveObject(request, *target);
}

}  // namespace nova::fake_kube::detail
