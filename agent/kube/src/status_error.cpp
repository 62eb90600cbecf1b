#include "status_error.h"

#include <boost/json/parse.hpp>
#include <charconv>

namespace nova::kube {

bool ApiError::retryable() const {
  return code == 0 || code == 429 || code == 500 || code == 503 || code == 504;
}

namespace detail {

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
  switch (e.code) {
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
      return verb + " on " + object + ": HTTP " + std::to_string(e.code) + " " + e.reason + ": " +
             tail;
  }
}

DurationMs parseRetryAfter(const http::Response& response) {
  const std::string* header = response.header("Retry-After");
  if (header == nullptr) {
    return -1;
  }
  long long seconds = 0;
  auto [end, ec] = std::from_chars(header->data(), header->data() + header->size(), seconds);
  if (ec != std::errc{} || seconds < 0) {
    return -1;  // an HTTP date is not used by the API server
  }
  return static_cast<DurationMs>(seconds) * kSecond;
}

}  // namespace

ApiError fromResponse(const http::Response& response, const std::string& verb,
                      const std::string& object) {
  ApiError e;
  e.code = static_cast<int>(response.status);
  e.retryAfter = parseRetryAfter(response);
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
    e.reason = defaultReason(e.code);
  }
  e.summary = summarize(e, verb, object);
  return e;
}

ApiError fromTransport(const std::string& message, const std::string& verb,
                       const std::string& object) {
  ApiError e;
  e.reason = message.find("Timeout") != std::string::npos ? "Timeout" : "Transport";
  e.message = message;
  e.summary = verb + " on " + object + ": no response: " + message;
  return e;
}

}  // namespace detail
}  // namespace nova::kube
