#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nova::demo {

/// A parsed request as the routes see it, free of any HTTP library's types.
struct RouteRequest {
  std::string_view method;
  /// The request target without the query string.
  std::string_view path;
  /// The Authorization header, empty when absent.
  std::string_view authorization;
  std::string_view body;
};

/// What to answer, and how the answer is accounted for.
struct RouteResponse {
  int status = 200;
  std::string body;
  std::string contentType = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  /// The route template for the metrics labels; empty keeps the request out of the metrics
  /// (the /metrics scrape and the admin endpoints).
  std::string route;
  /// Injected delay before the answer is written.
  std::chrono::milliseconds delay{0};
};

}  // namespace nova::demo
