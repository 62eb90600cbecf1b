#pragma once

#include <iosfwd>
#include <span>
#include <string>

namespace nova::cli {

/// `novactl rules check FILE...`: loads every file, prints a table of the rules (name,
/// severity, for, action, threshold) to `out`, and every problem of every file as
/// "file:line:col: message" to `err`. Returns 0 when all files are valid, 1 otherwise.
/// Reads the files; everything else is pure.
int runRulesCheck(std::span<const std::string> files, std::ostream& out, std::ostream& err);

/// `novactl rules test SCENARIO.yaml`: loads the scenario and its rule files (relative to
/// the scenario's folder), replays it, prints the decision timeline to `out` and a summary;
/// on a failed expectation prints a readable diff to `err`. Returns 0 when every
/// expectation holds, 1 when one does not or a file is invalid.
int runRulesTest(const std::string& scenarioFile, std::ostream& out, std::ostream& err);

}  // namespace nova::cli
