#include "nova/kube/api_error.h"

namespace nova::kube {

ErrorCode ApiError::code() const {
  if (status < 400) {
    return failure;
  }
  switch (status) {
    case 401:
    case 403:
      return ErrorCode::kRefused;
    case 404:
      return ErrorCode::kNotFound;
    case 409:  // Conflict, AlreadyExists
    case 410:  // Expired: a continue token or resourceVersion too old; read again
    case 422:  // Invalid: a JSON-patch test that failed, or a rejected value
      return ErrorCode::kConflict;
    case 429:
      return ErrorCode::kUnavailable;
    default:
      return status >= 500 ? ErrorCode::kUnavailable : ErrorCode::kInvalidInput;
  }
}

bool ApiError::retryable() const {
  return nova::retryable(code());
}

bool ApiError::definite() const {
  const ErrorCode c = code();
  return c == ErrorCode::kNotFound || (c == ErrorCode::kRefused && status != 401);
}

}  // namespace nova::kube
