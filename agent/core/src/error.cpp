#include "nova/core/error.h"

namespace nova {

std::string_view errorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidInput:
      return "invalid_input";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kConflict:
      return "conflict";
    case ErrorCode::kRefused:
      return "refused";
    case ErrorCode::kTimeout:
      return "timeout";
    case ErrorCode::kTransport:
      return "transport";
    case ErrorCode::kUnavailable:
      return "unavailable";
    case ErrorCode::kInternal:
      return "internal";
  }
  return "internal";
}

std::ostream& operator<<(std::ostream& out, ErrorCode code) {
  return out << errorCodeName(code);
}

bool retryable(ErrorCode code) {
  return code == ErrorCode::kTimeout || code == ErrorCode::kTransport ||
         code == ErrorCode::kUnavailable;
}

Error Error::prefixed(std::string_view context) const {
  return Error(code, std::string(context) + message);
}

}  // namespace nova
