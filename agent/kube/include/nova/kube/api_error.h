#pragma once

#include <string>

#include "nova/core/error.h"
#include "nova/core/result.h"
#include "nova/core/time.h"

namespace nova::kube {

/// A failed API call: a Kubernetes `Status` error answer, a transport failure, or an answer
/// that could not be used.
struct ApiError {
  /// HTTP status (401, 403, 404, 409, 422, 429, 500, ...); 0 when no response came back.
  int status = 0;
  /// Status.reason ("Forbidden", "Invalid", "TooManyRequests", ...); "Timeout" or
  /// "Transport" for failures without a response, "Decode" for an answer that is not JSON.
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
  /// The code of a failure that carries no HTTP error status: the transport's code
  /// (kTimeout, kTransport), kInternal for an undecodable answer, kRefused when no
  /// credentials could be read. Not used when `status` is 400 or above.
  ErrorCode failure = ErrorCode::kTransport;

  /// What the caller can do about it, from the HTTP status: 404 kNotFound; 409, 410 and 422
  /// kConflict (someone changed it first, a JSON-patch test failed, a list's continue token
  /// expired); 401 and 403 kRefused; 429 and 5xx kUnavailable; other 4xx kInvalidInput;
  /// without an error status, `failure`.
  ErrorCode code() const;
  /// nova::retryable(code()): timeouts, transport failures, 429 and 5xx.
  bool retryable() const;
  /// A definite no that retrying cannot change: kNotFound, or kRefused by RBAC (403), so a
  /// person has to grant access or fix the name. A 401 is not definite: the credentials may
  /// rotate (a projected token), so it stays an error worth retrying later.
  bool definite() const;
  /// No response came back (timeout, reset, refused connection).
  bool transport() const {
    return status == 0 && (failure == ErrorCode::kTimeout || failure == ErrorCode::kTransport);
  }
  /// Error{code(), summary}, for callers that speak nova::Error.
  Error toError() const { return Error(code(), summary); }
};

/// A value or an ApiError.
template <typename T>
using ApiResult = Result<T, ApiError>;

}  // namespace nova::kube
