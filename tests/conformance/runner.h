#pragma once

#include <optional>
#include <string>
#include <vector>

#include "nova/promql/engine.h"
#include "nova/tsdb/storage.h"
#include "script.h"
#include "subset.h"

namespace nova::conformance {

enum class Outcome {
  kPass,
  kFail,
  /// Needs something outside the float subset (see runner.cpp for the rules).
  kOutOfSubset,
  /// Inside the subset but not run, to work around a known bug; counts as not passing.
  kSkippedInSubset,
};

struct CaseResult {
  std::string file;  ///< base name, e.g. "functions.test"
  int line = 0;      ///< line of the eval header
  std::string expr;
  Outcome outcome = Outcome::kFail;
  /// Why it failed, was skipped or is out of the subset.
  std::string detail;

  std::string key() const { return file + ":" + std::to_string(line); }
  bool inSubset() const { return outcome != Outcome::kOutOfSubset; }
};

/// Runs one script's commands against a fresh store (retention 0) and an engine with
/// default options, the way the upstream runner does for a float-only engine.
class ScriptRunner {
 public:
  explicit ScriptRunner(std::string file);

  /// One result per eval command. Load problems (a series the store refuses) are reported
  /// in loadErrors().
  std::vector<CaseResult> run(const std::vector<Command>& commands);
  const std::vector<std::string>& loadErrors() const { return loadErrors_; }

 private:
  void load(const LoadCommand& cmd);
  CaseResult eval(const EvalCommand& ev);
  CaseResult runInstant(const EvalCommand& ev, const promql::Expr& expr, CaseResult r) const;
  /// One instant query, `expr` parsed from `text`, at `t` against the eval's expectations,
  /// then in range mode; the first disagreement, or nullopt.
  std::optional<std::string> checkInstant(const EvalCommand& ev, const promql::Expr& expr,
                                          const std::string& text, TimestampMs t) const;
  std::optional<std::string> checkRangeMode(const EvalCommand& ev, const promql::Expr& expr,
                                            const promql::Value& instant, TimestampMs t) const;
  CaseResult runRange(const EvalCommand& ev, const promql::Expr& expr, CaseResult r) const;

  std::string file_;
  tsdb::Storage storage_;
  promql::Engine engine_;
  SpecialSeries special_;
  std::vector<std::string> loadErrors_;
};

}  // namespace nova::conformance
