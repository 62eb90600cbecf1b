#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "runner.h"

namespace nova::conformance {

/// Collects case results across scripts and prints the verdict.
class Report {
 public:
  void add(std::vector<CaseResult> results);
  void fileError(std::string message) { fileErrors_.push_back(std::move(message)); }

  /// One line per in-subset case that does not pass (and per out-of-subset case with
  /// `verbose`), then the summary line
  /// "promql conformance: N of M in-subset cases pass (K out of subset)".
  void print(std::ostream& out, bool verbose) const;
  /// True when every in-subset case passed and every script was read and loaded.
  bool allPass() const;

  /// Reads `classify.py --list` output (file:line<TAB>kind<TAB>expr) from `path` and checks
  /// that each listed case ran as in-subset here. Prints the ones that did not.
  bool crossCheck(const std::string& path, std::ostream& out) const;

 private:
  std::vector<CaseResult> results_;
  std::vector<std::string> fileErrors_;
};

}  // namespace nova::conformance
