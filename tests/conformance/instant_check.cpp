// Instant evals as the upstream runner checks them: the query at its time, the same query
// in range mode, and the step-invariance check with `@` at other times.
#include <re2/re2.h>

#include "annotation_check.h"
#include "at_variants.h"
#include "compare.h"
#include "nova/promql/parser.h"
#include "runner.h"

namespace nova::conformance {
namespace {

// start(), end(), range() and step() resolve differently in range mode.
bool usesQueryContextFunction(const std::string& expr) {
  static const RE2 re(R"((start|end|range|step)\(\))");
  return RE2::PartialMatch(expr, re);
}

}  // namespace

CaseResult ScriptRunner::runInstant(const EvalCommand& ev, const promql::Expr& expr,
                                    CaseResult r) const {
  const TimestampMs t = ev.evalTime();
  std::optional<std::string> diff = checkInstant(ev, expr, ev.expr, t);
  if (!diff) {
    if (std::optional<AtVariants> variants = atVariants(ev.expr, t)) {
      promql::ParseResult pinned = promql::parse(variants->expr);
      if (!pinned.ok()) {
        diff = "@ check: " + variants->expr + ": " + pinned.error().toString();
      }
      for (std::size_t i = 0; !diff && i < variants->times.size(); ++i) {
        const TimestampMs at = variants->times[i];
        if (auto d = checkInstant(ev, pinned.expr(), variants->expr, at)) {
          diff = "@ check: " + variants->expr + " at " + std::to_string(at) + "ms: " + *d;
        }
      }
    }
  }
  r.outcome = diff ? Outcome::kFail : Outcome::kPass;
  r.detail = diff.value_or("");
  return r;
}

std::optional<std::string> ScriptRunner::checkInstant(const EvalCommand& ev,
                                                      const promql::Expr& expr,
                                                      const std::string& text,
                                                      TimestampMs t) const {
  promql::Annotations annotations;
  Result<promql::Value> got = engine_.instant(expr, storage_, t, &annotations);
  if (!got) {
    if (ev.fail) {
      return compareError(ev, got.error().message);
    }
    return "error: " + got.error().message;
  }
  if (ev.fail) {
    return "expected an error, got a result";
  }
  if (auto diff = checkAnnotations(ev, annotations, text)) {
    return diff;
  }
  const Grid grid = ev.rangeVector ? Grid{ev.start, ev.end, ev.step} : Grid{t, std::nullopt, 0};
  if (auto diff = compareResult(ev, *got, grid)) {
    return diff;
  }
  if (ev.rangeVector || ev.expectedString || ev.ordered || usesQueryContextFunction(text)) {
    return std::nullopt;  // range results are sorted by labels, not in the expected order
  }
  return checkRangeMode(ev, expr, *got, t);
}

std::optional<std::string> ScriptRunner::checkRangeMode(const EvalCommand& ev,
                                                        const promql::Expr& expr,
                                                        const promql::Value& instant,
                                                        TimestampMs t) const {
  // The same query over t-1m..t+1m must give the same result at t.
  Result<promql::Matrix> range = engine_.range(expr, storage_, t - kMinute, t + kMinute, kMinute);
  if (!range) {
    return "range mode: error: " + range.error().message;
  }
  if (auto unsorted = checkSorted(*range)) {
    return "range mode: " + *unsorted;
  }
  promql::Vector atT;
  for (const promql::Series& series : *range) {
    for (const Sample& p : series.points) {
      if (p.t == t) {
        atT.push_back({series.labels, p.t, p.v});
        break;
      }
    }
  }
  const Grid grid{t, std::nullopt, 0};
  std::optional<std::string> diff;
  if (std::holds_alternative<promql::Scalar>(instant)) {
    diff = atT.empty() ? std::optional<std::string>("no point at t for the scalar")
                       : compareResult(ev, promql::Scalar{t, atT.front().v}, grid);
  } else {
    diff = compareResult(ev, atT, grid);
  }
  if (diff) {
    return "range mode: " + *diff;
  }
  return std::nullopt;
}

}  // namespace nova::conformance
