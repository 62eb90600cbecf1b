#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nova/core/severity.h"
#include "nova/core/time.h"
#include "nova/promql/ast.h"
#include "nova/rules/template.h"

namespace nova::rules {

/// How a rule's value is compared with its threshold value. kAnyResult is a Prometheus
/// alerting rule's: every sample the expression returns breaches, whatever its value (NaN
/// included), and an empty result is ok rather than unknown; it has no value and cannot be
/// written in the agent's own format.
enum class ThresholdOp {
  kGreater,
  kGreaterEqual,
  kLess,
  kLessEqual,
  kEqual,
  kNotEqual,
  kAnyResult
};

/// ">", ">=", "<", "<=", "==", "!=", "any".
std::string_view toString(ThresholdOp op);
/// The operator with its operands swapped (`a > b` is `b < a`); ==, != and "any" are their
/// own.
ThresholdOp swapped(ThresholdOp op);
/// Parses the six comparisons (not "any").
std::optional<ThresholdOp> parseThresholdOp(std::string_view text);

/// A rule breaches when `sample <op> value` holds. NaN never breaches, except under kAnyResult.
struct Threshold {
  ThresholdOp op = ThresholdOp::kGreater;
  double value = 0;

  bool breaches(double sample) const;
  /// Of two breaching samples, true when `a` is further past the threshold than `b`
  /// (larger for > and >=, smaller for < and <=).
  bool worse(double a, double b) const;
  /// "> 0.05"; "any result" for kAnyResult.
  std::string toString() const;
};

/// A threshold written as text, and where it went wrong when it did not parse.
struct ThresholdParse {
  std::optional<Threshold> threshold;
  /// Why it did not parse ("threshold value must be a number, got \"high\""), and the byte
  /// offset in the text of the part at fault; empty and 0 when it parsed.
  std::string error;
  std::size_t errorAt = 0;
};

/// Parses `text` as written in a rule file's `threshold:`: blanks, an operator, blanks, a
/// number (decimal, exponent, Inf, NaN), blanks ("> 0.2", "<0.95"). Pure.
ThresholdParse parseThreshold(std::string_view text);

/// Where a rule's expression is evaluated: over the agent's own scrapes, or by sending the
/// same expression to a Prometheus server.
enum class RuleSource { kScrape, kPrometheus };
std::string_view toString(RuleSource source);

/// A place in a rule file (1-based).
struct SourcePosition {
  int line = 0;
  int column = 0;
};

/// One validated SLO rule.
struct Rule {
  std::string name;
  /// The PromQL text as written, and its parsed tree (never null in a loaded RuleSet).
  std::string expr;
  std::shared_ptr<const promql::Expr> parsedExpr;
  Threshold threshold;
  /// How long the threshold must be breached before the rule counts (0 = at once).
  DurationMs forDuration = 0;
  /// Prometheus's keep_firing_for: once the rule has breached for `forDuration`, it keeps
  /// breaching this long after its expression stops returning anything (0 = not at all).
  DurationMs keepFiringFor = 0;
  Severity severity = Severity::kLow;
  Template summary;
  /// An expression that must be true (some sample non-zero) for the rule to judge at all.
  std::optional<std::string> guard;
  std::shared_ptr<const promql::Expr> parsedGuard;
  RuleSource source = RuleSource::kScrape;
  /// For kPrometheus: the name of the configured source (the agent config's `sources:`)
  /// that evaluates it; "prometheus" names the default source.
  std::string sourceName;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
  std::string runbook;
  /// Where the rule starts in its file.
  SourcePosition position;
};

}  // namespace nova::rules
