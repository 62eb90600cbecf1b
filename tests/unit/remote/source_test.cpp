#include "nova/remote/source.h"

#include <doctest/doctest.h>

namespace nova::remote {
namespace {

const std::string* headerOf(const http::Request& request, std::string_view name) {
  for (const auto& [key, value] : request.headers) {
    if (key == name) {
      return &value;
    }
  }
  return nullptr;
}

TEST_CASE("an instant query is a form POST at the evaluation time") {
  SourceConfig source;
  source.name = "mimir";
  source.url = "http://mimir:8080/prometheus/";
  source.timeout = 2 * kSecond;
  source.tenant = "team-a";
  source.bearerToken = notify::Secret("s3cret");
  source.headers = {{"X-Extra", "1"}};
  source.lookbackDelta = 90 * kSecond;
  source.partialResponse = false;
  const http::Request request =
      buildQueryRequest(source, "sum by (le) (rate(x_bucket{a=\"b c\"}[5m])) + 1", 1700000000250);
  CHECK(request.method == "POST");
  CHECK(request.url == "http://mimir:8080/prometheus/api/v1/query");
  CHECK(request.timeout == 2 * kSecond);
  CHECK(
      request.body ==
      "query=sum%20by%20%28le%29%20%28rate%28x_bucket%7Ba%3D%22b%20c%22%7D%5B5m%5D%29%29%20%2B%201"
      "&time=1700000000.25&timeout=1800ms&lookback_delta=90000ms&partial_response=false");
  REQUIRE(headerOf(request, "Content-Type") != nullptr);
  CHECK(*headerOf(request, "Content-Type") == "application/x-www-form-urlencoded");
  CHECK(*headerOf(request, "Authorization") == "Bearer s3cret");
  CHECK(*headerOf(request, "X-Scope-OrgID") == "team-a");
  CHECK(*headerOf(request, "X-Extra") == "1");
}

TEST_CASE("basic auth when there is no token; times in seconds") {
  SourceConfig source;
  source.url = "http://p:9090";
  source.basicUser = "u";
  source.basicPassword = notify::Secret("p");
  const http::Request request = buildQueryRequest(source, "up", 5000);
  CHECK(*headerOf(request, "Authorization") == "Basic dTpw");
  CHECK(request.body.find("&time=5&") != std::string::npos);
  CHECK(unixSeconds(1500) == "1.5");
  CHECK(unixSeconds(-1500) == "-1.5");
  CHECK(unixSeconds(1001) == "1.001");
}

}  // namespace
}  // namespace nova::remote
