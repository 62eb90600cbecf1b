// How Kubernetes answers and transport failures become error codes: from the HTTP status
// and the transport's own code, never from message text.
#include "nova/kube/api_error.h"

#include <doctest/doctest.h>

#include "status_error.h"

namespace nova::kube {

namespace {

ApiError withStatus(int status) {
  ApiError e;
  e.status = status;
  return e;
}

http::Response response(long status, std::string body, http::Headers headers = {}) {
  http::Response r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

}  // namespace

TEST_CASE("HTTP statuses map to codes; retryable and definite follow from them") {
  const std::pair<int, ErrorCode> table[] = {
      {400, ErrorCode::kInvalidInput}, {401, ErrorCode::kRefused},
      {403, ErrorCode::kRefused},      {404, ErrorCode::kNotFound},
      {405, ErrorCode::kInvalidInput}, {409, ErrorCode::kConflict},
      {410, ErrorCode::kConflict},     {413, ErrorCode::kInvalidInput},
      {415, ErrorCode::kInvalidInput}, {422, ErrorCode::kConflict},
      {429, ErrorCode::kUnavailable},  {500, ErrorCode::kUnavailable},
      {502, ErrorCode::kUnavailable},  {503, ErrorCode::kUnavailable},
      {504, ErrorCode::kUnavailable},
  };
  for (const auto& [status, code] : table) {
    CAPTURE(status);
    CHECK(withStatus(status).code() == code);
    CHECK(withStatus(status).retryable() == retryable(code));
  }
  CHECK(withStatus(403).definite());
  CHECK(withStatus(404).definite());
  CHECK_FALSE(withStatus(401).definite());  // a rotated token may still be accepted
  CHECK_FALSE(withStatus(409).definite());
  CHECK_FALSE(withStatus(503).definite());

  ApiError e = withStatus(404);
  e.summary = "get on ingresses/x in production: not found: ...";
  const Error plain = e.toError();
  CHECK(plain.code == ErrorCode::kNotFound);
  CHECK(plain.message == e.summary);
}

TEST_CASE("transport failures are classified by the transport's code") {
  const Error timeout(ErrorCode::kTimeout, "GET http://x/y: Timeout was reached");
  ApiError t = detail::fromTransport(timeout, "get", "ingresses/x in production");
  CHECK(t.code() == ErrorCode::kTimeout);
  CHECK(t.reason == "Timeout");
  CHECK(t.transport());
  CHECK(t.retryable());
  CHECK(t.summary ==
        "get on ingresses/x in production: no response: GET http://x/y: Timeout was reached");

  // The text alone classifies nothing: a transport error without a code of its own is a
  // transport failure, whatever it says.
  const Error uncoded(ErrorCode::kInternal, "GET http://x/y: Timeout was reached");
  CHECK(detail::fromTransport(uncoded, "get", "x").code() == ErrorCode::kTransport);
  CHECK(detail::fromTransport(Error(ErrorCode::kTransport, "reset"), "get", "x").reason ==
        "Transport");

  ApiError tooBig = detail::fromTransport(
      Error(ErrorCode::kInvalidInput, "response body exceeds 16 bytes"), "get", "x");
  CHECK(tooBig.code() == ErrorCode::kInvalidInput);
  CHECK_FALSE(tooBig.retryable());
  CHECK_FALSE(tooBig.transport());
}

TEST_CASE("a Status body, Retry-After as seconds or an HTTP date, and bodies that are no Status") {
  const TimestampMs now = 1445412480000;  // Wed, 21 Oct 2015 07:28:00 GMT
  ApiError busy =
      detail::fromResponse(response(429,
                                    R"({"kind":"Status","status":"Failure","message":"slow down",
                   "reason":"TooManyRequests","details":{"retryAfterSeconds":7},"code":429})",
                                    {{"Retry-After", "Wed, 21 Oct 2015 07:28:03 GMT"}}),
                           "patch", "ingresses/x in production", now);
  CHECK(busy.code() == ErrorCode::kUnavailable);
  CHECK(busy.retryAfter == 3000);  // the header wins over details.retryAfterSeconds
  CHECK(busy.summary == "patch on ingresses/x in production: HTTP 429 TooManyRequests: slow down");

  ApiError hinted = detail::fromResponse(
      response(503, R"({"kind":"Status","reason":"ServiceUnavailable","message":"m",
                        "details":{"retryAfterSeconds":7},"code":503})"),
      "get", "x", now);
  CHECK(hinted.retryAfter == 7000);

  ApiError proxy = detail::fromResponse(response(502, "<html>bad gateway</html>"), "get", "x", now);
  CHECK(proxy.code() == ErrorCode::kUnavailable);
  CHECK(proxy.reason == "Unknown");
  CHECK(proxy.message == "<html>bad gateway</html>");
  CHECK(proxy.retryAfter == -1);

  ApiError redirect = detail::fromResponse(response(302, ""), "get", "x", now);
  CHECK(redirect.code() == ErrorCode::kInternal);
  CHECK_FALSE(redirect.retryable());

  ApiError undecodable = detail::decodeFailure(200, "syntax error", "get", "x");
  CHECK(undecodable.code() == ErrorCode::kInternal);
  CHECK(undecodable.summary == "get on x: response is not JSON: syntax error");

  ApiError noToken =
      detail::noCredentials(Error(ErrorCode::kNotFound, "cannot open /t: gone"), "get", "x");
  CHECK(noToken.code() == ErrorCode::kRefused);
  CHECK_FALSE(noToken.retryable());
  CHECK(noToken.summary == "get on x: no bearer token: cannot open /t: gone");
}

}  // namespace nova::kube
