#include "nova/kube/client.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "client_impl.h"
#include "status_error.h"

namespace nova::kube {

namespace json = boost::json;
using detail::Call;
using detail::on;

Client::Impl::Impl(ClusterConfig c, const Clock& clk, Random& rnd, ClientOptions o)
    : config(std::move(c)), clock(clk), random(rnd), options(std::move(o)) {
  if (!config.token.empty()) {
    tokens = TokenSource::fixed(config.token);
  } else if (!config.tokenFile.empty()) {
    tokens = TokenSource::file(config.tokenFile, clock, options.tokenReload);
  }
}

http::Request Client::Impl::baseRequest(const Call& call) const {
  http::Request request;
  request.method = call.method;
  request.url = config.server + call.path;
  request.timeout = options.timeout;
  request.connectTimeout = options.connectTimeout;
  request.verifyTls = !config.insecureSkipTlsVerify;
  request.caFile = config.caFile;
  request.caPem = config.caPem;
  request.clientCertFile = config.clientCertFile;
  request.clientKeyFile = config.clientKeyFile;
  request.clientCertPem = config.clientCertPem;
  request.clientKeyPem = config.clientKeyPem;
  request.headers = {{"Accept", "application/json"}, {"User-Agent", options.userAgent}};
  if (!call.contentType.empty()) {
    request.headers.emplace_back("Content-Type", call.contentType);
  }
  request.body = call.body;
  return request;
}

// Retry `attempt` (1-based) waits the server's hint when it gave one, else the backoff.
DurationMs Client::Impl::waitBefore(const ApiError& error, int attempt) const {
  if (error.retryAfter >= 0) {
    return std::min(error.retryAfter, options.retry.maxRetryAfter);
  }
  return options.retry.backoff.delay(attempt, random.uniform());
}

ApiResult<json::value> Client::Impl::attempt(const Call& call, http::Request& request) {
  auto token = tokens.token();
  if (!token.ok()) {
    return detail::noCredentials(token.error(), call.verb, call.what);
  }
  // The Authorization header is the last one; replace it on every attempt (rotation).
  if (!request.headers.empty() && request.headers.back().first == "Authorization") {
    request.headers.pop_back();
  }
  if (!token->empty()) {
    request.headers.emplace_back("Authorization", "Bearer " + *token);
  }
  auto response = http.perform(request);
  if (!response.ok()) {
    return detail::fromTransport(response.error(), call.verb, call.what);
  }
  if (response->status < 200 || response->status > 299) {
    return detail::fromResponse(*response, call.verb, call.what, clock.now());
  }
  json::error_code ec;
  json::value object = json::parse(response->body, ec);
  if (ec) {
    return detail::decodeFailure(response->status, ec.message(), call.verb, call.what);
  }
  return object;
}

ApiResult<http::Response> Client::Impl::stream(const Call& call, DurationMs timeout,
                                               std::function<bool(std::string_view)> onChunk) {
  http::Request request = baseRequest(call);
  request.timeout = timeout;
  request.onBodyChunk = std::move(onChunk);
  auto token = tokens.token();
  if (!token.ok()) {
    return detail::noCredentials(token.error(), call.verb, call.what);
  }
  if (!token->empty()) {
    request.headers.emplace_back("Authorization", "Bearer " + *token);
  }
  auto response = http.perform(request);
  if (!response.ok()) {
    return detail::fromTransport(response.error(), call.verb, call.what);
  }
  return std::move(response).value();
}

ApiResult<json::value> Client::Impl::perform(const Call& call) {
  http::Request request = baseRequest(call);
  const int attempts = std::max(1, options.retry.attempts);
  bool retriedUnauthorized = false;
  for (int n = 1;; ++n) {
    auto result = attempt(call, request);
    if (result.ok()) {
      return result;
    }
    ApiError error = result.error();
    error.attempts = n;
    if (error.status == 401 && !retriedUnauthorized && tokens.reloadAfterUnauthorized()) {
      retriedUnauthorized = true;  // a rotated token: one immediate retry, not counted
      --n;
      continue;
    }
    if (!error.retryable() || n >= attempts) {
      if (n > 1) {
        error.summary += " (after " + std::to_string(n) + " attempts)";
      }
      if (error.code() == ErrorCode::kConflict || error.code() == ErrorCode::kNotFound) {
        // Answers the caller judges: a failed test means "someone was first", a missing object
        // may be expected (a Lease not created yet, a pre-flight check's absent ConfigMap);
        // the caller logs what it means.
        spdlog::info("kube: {}", error.summary);
      } else {
        spdlog::error("kube: {}", error.summary);
      }
      return error;
    }
    const DurationMs wait = waitBefore(error, n);
    spdlog::warn("kube: {}; retrying in {} ms (attempt {} of {})", error.summary, wait, n + 1,
                 attempts);
    clock.sleepFor(wait);
  }
}

Client::Client(ClusterConfig config, const Clock& clock, Random& random, ClientOptions options)
    : impl_(std::make_unique<Impl>(std::move(config), clock, random, std::move(options))) {}
Client::~Client() = default;
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;

ApiResult<json::value> Client::get(const ObjectRef& ref) {
  return impl_->perform(on("get", "GET", ref));
}

ApiResult<json::value> Client::jsonPatch(const ObjectRef& ref, const json::array& ops) {
  Call call = on("patch", "PATCH", ref);
  call.contentType = "application/json-patch+json";
  call.body = json::serialize(ops);
  return impl_->perform(call);
}

ApiResult<json::value> Client::mergePatch(const ObjectRef& ref, const json::value& patch) {
  Call call = on("patch", "PATCH", ref);
  call.contentType = "application/merge-patch+json";
  call.body = json::serialize(patch);
  return impl_->perform(call);
}

ApiResult<json::value> Client::put(const ObjectRef& ref, const json::value& object) {
  Call call = on("update", "PUT", ref);
  call.contentType = "application/json";
  call.body = json::serialize(object);
  return impl_->perform(call);
}

ApiResult<std::int64_t> Client::getScale(const std::string& ns, const std::string& deployment) {
  auto scale = get(scaleRef(ns, deployment));
  if (!scale.ok()) {
    return scale.error();
  }
  // spec.replicas is omitempty: a Deployment scaled to 0 reads back as "spec": {}.
  const auto* spec = scale->is_object() ? scale->get_object().if_contains("spec") : nullptr;
  const auto* replicas =
      spec != nullptr && spec->is_object() ? spec->get_object().if_contains("replicas") : nullptr;
  if (replicas != nullptr && replicas->is_int64()) {
    return replicas->get_int64();
  }
  return std::int64_t{0};
}

ApiResult<json::value> Client::setScale(const std::string& ns, const std::string& deployment,
                                        std::int64_t replicas) {
  json::value patch = {{"spec", {{"replicas", replicas}}}};
  return mergePatch(scaleRef(ns, deployment), patch);
}

const ClusterConfig& Client::config() const {
  return impl_->config;
}

std::string escapePointerToken(std::string_view token) {
  std::string out;
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace nova::kube
