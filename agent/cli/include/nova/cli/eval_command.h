#pragma once

#include <iosfwd>
#include <string>

#include "nova/core/clock.h"
#include "nova/core/time.h"

namespace nova::cli {

/// `novactl eval`: scrape a target (or read a file) into a fresh store, then evaluate one
/// PromQL expression at the time of the last scrape, as Prometheus would.
struct EvalOptions {
  std::string expr;
  /// Exactly one of url, file and prometheus.
  std::string url;
  std::string file;
  /// The base URL of a Prometheus-compatible query API: the expression is evaluated there
  /// (at the clock's now) instead of over scrapes; `timeout` bounds the query.
  std::string prometheus;
  /// X-Scope-OrgID sent with a --prometheus query, when set.
  std::string tenant;
  /// How many scrapes, `interval` apart; a file counts as one scrape per read.
  int scrapes = 1;
  DurationMs interval = kSecond;
  DurationMs timeout = 10 * kSecond;
  /// "table" or "json" (the data object of Prometheus's /api/v1/query answer).
  std::string output = "table";
  /// Target labels added to every scraped series; none unless given, as in a Prometheus
  /// scrape config without job or instance relabelling.
  std::string job;
  std::string instance;
  /// An empty vector answer fails the command (kEvalEmpty): a gate written as a threshold
  /// expression (`error_ratio > 0.01`) then fails when there is nothing to judge.
  bool failIfEmpty = false;
};

/// The exit codes of `novactl eval`, for gates in CI. A failed scrape fails the command even
/// though the answer is still printed (with `up` 0): a gate must not pass on a target that
/// could not be read.
inline constexpr int kEvalOk = 0;
/// Usage, a bad expression, or an evaluation error; nothing is printed on stdout.
inline constexpr int kEvalError = 1;
/// At least one scrape failed (unreachable, timeout, HTTP error, oversized, unreadable or
/// invalid exposition), or the remote query failed other than by a 400/422 answer.
inline constexpr int kEvalScrapeFailed = 3;
/// --fail-if-empty and the answer is an empty vector.
inline constexpr int kEvalEmpty = 4;

/// Runs the command; returns the process exit code (above). Scrapes are stamped with
/// `clock`'s wall time and spaced by sleeping on it.
int runEval(const EvalOptions& options, std::ostream& out, std::ostream& err, const Clock& clock);

}  // namespace nova::cli
