#pragma once

#include <optional>
#include <string>

#include "nova/core/time.h"
#include "nova/promql/value.h"
#include "script.h"

namespace nova::conformance {

/// Relative error allowed for sample values, as upstream's defaultEpsilon.
inline constexpr double kDefaultEpsilon = 1e-6;

/// Upstream's almost.Equal: stale NaN only equals stale NaN, other NaNs equal each other,
/// exact equality, then an absolute bound near zero and a relative one elsewhere.
bool almostEqual(double a, double b, double epsilon = kDefaultEpsilon);

/// The timestamps that positions of expected series stand for: position i is at
/// start + i * step, and must not pass `end`. Without `end` (an instant query that did not
/// announce `expect range vector`), no position has a timestamp, so only an empty matrix
/// can match.
struct Grid {
  TimestampMs start = 0;
  std::optional<TimestampMs> end;
  DurationMs step = 0;
};

/// Compares a result with an eval's expectations: the result type, label sets (exactly),
/// timestamps (exactly) and values (almostEqual). Returns a short description of the first
/// difference, or nullopt when they agree.
std::optional<std::string> compareResult(const EvalCommand& ev, const promql::Value& got,
                                         const Grid& grid);

/// For an eval that must fail: whether `error` (the query's error text) satisfies every
/// `expect fail msg:/regex:` check. Returns the first check it does not satisfy, or nullopt.
std::optional<std::string> compareError(const EvalCommand& ev, const std::string& error);

/// A description of the first pair of series out of label order, or nullopt when sorted.
std::optional<std::string> checkSorted(const promql::Matrix& matrix);

/// Shortest round-trip text of a value; "stale" for the stale NaN.
std::string formatValue(double v);

}  // namespace nova::conformance
