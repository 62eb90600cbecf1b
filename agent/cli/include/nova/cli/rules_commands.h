#pragma once

#include <iosfwd>
#include <span>
#include <string>

namespace nova::cli {

/// `novactl rules check [--url URL] FILE...`: loads every file, prints a table of the rules
/// (name, severity, for, action, threshold) to `out`, and every problem of every file as
/// "file:line:col: message" to `err`. With `url` (a target's /metrics), also checks the
/// rules against the histogram buckets it exposes (rules::checkBuckets) and prints each
/// finding to `out`. Returns 0 when all files are valid (and no bucket warning), 1 when a
/// file is invalid or the target cannot be read, 2 when the files are valid but a rule
/// cannot work against the target's buckets (a quantile threshold at or above the highest
/// finite bucket, or a bucket selector over an `le` the target lacks); an interpolated
/// threshold is a note and keeps 0. Reads the files and the URL; everything else is pure.
int runRulesCheck(std::span<const std::string> files, std::ostream& out, std::ostream& err,
                  const std::string& url = "");

/// `novactl rules test SCENARIO.yaml`: loads the scenario and its rule files (relative to
/// the scenario's folder), replays it, prints the decision timeline to `out` and a summary;
/// on a failed expectation prints a readable diff to `err`. The rules are also checked
/// against the buckets of the scenario's series (notes and warnings as in rules check
/// --url; they do not change the result). Returns 0 when every
/// expectation holds, 1 when one does not or a file is invalid.
int runRulesTest(const std::string& scenarioFile, std::ostream& out, std::ostream& err);

}  // namespace nova::cli
