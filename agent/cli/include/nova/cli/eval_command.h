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
  /// Exactly one of url and file.
  std::string url;
  std::string file;
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
};

/// Runs the command; returns the process exit code (0 ok, 1 query or input error). Scrapes
/// are stamped with `clock`'s wall time and spaced by sleeping on it.
int runEval(const EvalOptions& options, std::ostream& out, std::ostream& err, const Clock& clock);

}  // namespace nova::cli
