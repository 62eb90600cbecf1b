#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

#include "nova/core/result.h"
#include "nova/core/time.h"

namespace nova::kube {

/// A failed API call: a Kubernetes `Status` error body, or a transport failure.
struct ApiError {
  /// HTTP status (401, 403, 404, 409, 422, 429, 500, ...); 0 when no response came back.
  int code = 0;
  /// Status.reason ("Forbidden", "Invalid", "TooManyRequests", ...); "Timeout" or
  /// "Transport" for failures without a response.
  std::string reason;
  /// Status.message as the server wrote it, or the transport error.
  std::string message;
  /// The server's wait hint (Retry-After header or details.retryAfterSeconds), in ms; -1
  /// when none was given.
  DurationMs retryAfter = -1;
  /// How many attempts were made before giving up.
  int attempts = 1;
  /// The whole story for people, naming verb and object: "RBAC forbids patch on
  /// ingresses/api-ingress in production: <server message>".
  std::string summary;

  /// 429, 500, 503, 504 and transport failures (timeouts, resets) are worth retrying.
  bool retryable() const;
  bool transport() const { return code == 0; }
};

/// A value or an ApiError; the kube counterpart of nova::Result.
template <typename T>
class [[nodiscard]] ApiResult {
 public:
  ApiResult(T value) : state_(std::move(value)) {}         // NOLINT: implicit by design
  ApiResult(ApiError error) : state_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }
  T& value() & {
    assert(ok());
    return std::get<T>(state_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<T>(state_);
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  const ApiError& error() const {
    assert(!ok());
    return std::get<ApiError>(state_);
  }
  /// The error as a plain nova::Error carrying the summary.
  Error asError() const { return Error{error().summary}; }

 private:
  std::variant<T, ApiError> state_;
};

}  // namespace nova::kube
