#pragma once

#include <boost/json/value.hpp>
#include <string>

#include "nova/http/client.h"
#include "nova/kube/client.h"
#include "nova/kube/token_source.h"

namespace nova::kube {

namespace detail {

/// One API call: what is sent, and how messages name it ("patch on ingresses/x in prod").
struct Call {
  std::string verb;
  std::string method;
  /// The URL path, with its query when there is one.
  std::string path;
  std::string what;
  std::string contentType{};
  std::string body{};
};

inline Call on(std::string verb, std::string method, const ObjectRef& ref) {
  return {std::move(verb), std::move(method), ref.path(), ref.describe()};
}

}  // namespace detail

/// The state behind a Client: its configuration, clock, randomness, connection cache and
/// token source. Private to the kube module.
struct Client::Impl {
  Impl(ClusterConfig c, const Clock& clk, Random& rnd, ClientOptions o);

  /// Sends `call`, retrying as the RetryPolicy says; answers the decoded JSON reply.
  ApiResult<boost::json::value> perform(const detail::Call& call);
  /// Sends `call` once, streaming the body to `onChunk` (see http::Request::onBodyChunk),
  /// bounded by `timeout`; answers the response (its body empty) or the transport error.
  ApiResult<http::Response> stream(const detail::Call& call, DurationMs timeout,
                                   std::function<bool(std::string_view)> onChunk);

  ClusterConfig config;
  const Clock& clock;
  Random& random;
  ClientOptions options;
  http::Client http;
  TokenSource tokens;

 private:
  http::Request baseRequest(const detail::Call& call) const;
  DurationMs waitBefore(const ApiError& error, int attempt) const;
  ApiResult<boost::json::value> attempt(const detail::Call& call, http::Request& request);
};

}  // namespace nova::kube
