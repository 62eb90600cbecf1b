#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <utility>

namespace nova {

/// What kind of failure an Error is. Callers branch on the code; people read the message.
/// The set is small on purpose: a code answers "what can the caller do about it", not
/// "what exactly went wrong" (that is the message's job).
enum class ErrorCode {
  kInvalidInput,  ///< Malformed or out-of-range input: a file, a flag, a body, a rule.
  kNotFound,      ///< The named thing does not exist (a file, an object, a rule).
  kConflict,      ///< Someone changed it first: a failed JSON-patch test, a stale
                  ///< resourceVersion, a lock held by another holder.
  kRefused,       ///< Understood and refused: unauthorized, forbidden, not allowed now.
  kTimeout,       ///< No answer within the bound.
  kTransport,     ///< The exchange failed below the protocol: refused, reset, DNS, TLS.
  kUnavailable,   ///< The peer cannot serve now (5xx, 429, a full queue): worth a retry.
  kInternal,      ///< A broken invariant or an I/O failure nothing upstream can fix.
};

/// "invalid_input", "not_found", "conflict", "refused", "timeout", "transport",
/// "unavailable", "internal". (Not an overload of toString: doctest finds those by ADL when it
/// prints a failed CHECK, and could not print the codes.)
std::string_view errorCodeName(ErrorCode code);

/// Prints errorCodeName(), so test failures and logs show the name.
std::ostream& operator<<(std::ostream& out, ErrorCode code);

/// True for the codes where trying the same thing again later may succeed
/// (kTimeout, kTransport, kUnavailable).
bool retryable(ErrorCode code);

/// An expected failure: bad input, a refused request, an unreachable endpoint.
/// `message` is meant for people and already names the place ("rules.yaml:3:17: ...").
struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;

  Error() = default;
  Error(ErrorCode c, std::string m) : code(c), message(std::move(m)) {}

  /// The same error with `context` put in front of the message ("loading x: " + message).
  Error prefixed(std::string_view context) const;
};

}  // namespace nova
