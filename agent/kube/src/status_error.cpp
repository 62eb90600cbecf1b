#include "status_error.h"

#include <boost/json/parse.hpp>

#include "nova/core/backoff.h"

namespace nova::kube::detail {

namespace {

std::string stringField(const boost::json::object& object, const char* key) {
  const auto* field = object.if_contains(key);
  if (field == nullptr || !field->is_string()) {
    return "";
  }
  return std::string(field->get_string());
}

// The reason the API server would give for a bare status, when the body carries none.
std::string defaultReason(int code) {
  switch (code) {
    case 400:
      return "BadRequest";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "NotFound";
    case 409:
      return "Conflict";
    case 415:
      return "UnsupportedMediaType";
    case 422:
      return "Invalid";
    case 429:
      return "TooManyRequests";
    case 500:
      return "InternalError";
    case 503:
      return "ServiceUnavailable";
    case 504:
      return "Timeout";
    default:
      return "Unknown";
  }
}

std::string summarize(const ApiError& e, const std::string& verb, const std::string& object) {
  const std::string tail = e.message.empty() ? e.reason : e.message;
  switch (e.status) {
    case 401:
      return "unauthorized: the API server refused our credentials for " + verb + " on " + object +
             ": " + tail;
    case 403:
      return "RBAC forbids " + verb + " on " + object + ": " + tail;
    case 404:
      return verb + " on " + object + ": not found: " + tail;
    case 409:
      return verb + " on " + object + ": conflict: " + tail;
    case 422:
      return verb + " on " + object + ": rejected as invalid (422 " + e.reason + "): " + tail;
    default:
      return verb + " on " + object + ": HTTP " + std::to_string(e.status) + " " + e.reason + ": " +
             tail;
  }
}

// The Retry-After header (delta-seconds or an HTTP date); -1 when absent or unusable.
DurationMs retryAfterHeader(const http::Response& response, TimestampMs now) {
  const std::string* header = response.header("Retry-After");
  if (header == nullptr) {
    return -1;
  }
  return parseRetryAfter(*header, now).value_or(-1);
}

}  // namespace

ApiError fromResponse(const http::Response& response, const std::string& verb,
                      const std::string& object, TimestampMs now) {
  ApiError e;
  e.status = static_cast<int>(response.status);
  // Below 400 (a redirect not followed, a 1xx): nothing a retry or the caller can mend.
  e.failure = ErrorCode::kInternal;
  e.retryAfter = retryAfterHeader(response, now);
  boost::system::error_code ec;
  boost::json::value body = boost::json::parse(response.body, ec);
  const auto* status = ec ? nullptr : body.if_object();
  if (status != nullptr && stringField(*status, "kind") == "Status") {
    e.reason = stringField(*status, "reason");
    e.message = stringField(*status, "message");
    const auto* details = status->if_contains("details");
    if (e.retryAfter < 0 && details != nullptr && details->is_object()) {
      if (const auto* ra = details->get_object().if_contains("retryAfterSeconds");
          ra != nullptr && ra->is_int64() && ra->get_int64() > 0) {
        e.retryAfter = ra->get_int64() * kSecond;
      }
    }
  } else {
    // Not a Status (a proxy in between, say): keep a short prefix of whatever came back.
    e.message = response.body.substr(0, 200);
  }
  if (e.reason.empty()) {
    e.reason = defaultReason(e.status);
  }
  e.summary = summarize(e, verb, object);
  return e;
}

ApiError fromTransport(const Error& error, const std::string& verb, const std::string& object) {
  ApiError e;
  // Classified by the transport's code, never by its text. A transport error that names no
  // code of its own (kInternal) still failed below HTTP: it counts as kTransport.
  switch (error.code) {
    case ErrorCode::kTimeout:
      e.failure = ErrorCode::kTimeout;
      e.reason = "Timeout";
      break;
    case ErrorCode::kInvalidInput:  // the request could not be sent, or the answer was too big
      e.failure = ErrorCode::kInvalidInput;
      e.reason = "Transport";
      break;
    default:
      e.failure = ErrorCode::kTransport;
      e.reason = "Transport";
      break;
  }
  e.message = error.message;
  e.summary = verb + " on " + object + ": no response: " + error.message;
  return e;
}

ApiError decodeFailure(long status, const std::string& why, const std::string& verb,
                       const std::string& object) {
  ApiError e;
  e.status = static_cast<int>(status);
  e.failure = ErrorCode::kInternal;
  e.reason = "Decode";
  e.message = why;
  e.summary = verb + " on " + object + ": response is not JSON: " + why;
  return e;
}

ApiError noCredentials(const Error& error, const std::string& verb, const std::string& object) {
  ApiError e;
  e.failure = ErrorCode::kRefused;
  e.reason = "Unauthorized";
  e.message = error.message;
  e.summary = verb + " on " + object + ": no bearer token: " + error.message;
  return e;
}

}  // namespace nova::kube::detail
