#include "runner.h"

#include <algorithm>
#include <array>
#include <exception>
#include <map>
#include <utility>

#include "annotation_check.h"
#include "compare.h"
#include "nova/promql/parser.h"

namespace nova::conformance {
namespace {

// The parser's refusal of constructs the local engine leaves to Prometheus.
constexpr std::string_view kNotSupported = "not supported by the local engine";

// In-subset cases that are deliberately not run, each with the reason. They count as
// in-subset and not passing, and are printed on every run.
struct KnownSkip {
  std::string_view key;  // file:line
  std::string_view reason;
};
constexpr std::array<KnownSkip, 0> kKnownSkips{};

std::optional<std::string_view> knownSkip(const std::string& key) {
  for (const KnownSkip& skip : kKnownSkips) {
    if (skip.key == key) {
      return skip.reason;
    }
  }
  return std::nullopt;
}

CaseResult with(CaseResult r, Outcome outcome, std::string detail = {}) {
  r.outcome = outcome;
  r.detail = std::move(detail);
  return r;
}

// An eval that must fail passes when every message check holds for the error text.
CaseResult checkFailure(const EvalCommand& ev, CaseResult r, const std::string& error) {
  if (auto diff = compareError(ev, error)) {
    return with(std::move(r), Outcome::kFail, *diff);
  }
  return with(std::move(r), Outcome::kPass);
}

Labels nhcbBase(const Labels& labels) {
  const std::string_view name = labels.metricName();
  for (std::string_view suffix : {"_bucket", "_count", "_sum"}) {
    if (name.ends_with(suffix)) {
      return labels.without({"le"}).with(kMetricNameLabel,
                                         name.substr(0, name.size() - suffix.size()));
    }
  }
  return {};
}

}  // namespace

ScriptRunner::ScriptRunner(std::string file)
    : file_(std::move(file)), storage_(tsdb::Limits{.retention = 0}), engine_() {}

std::vector<CaseResult> ScriptRunner::run(const std::vector<Command>& commands) {
  std::vector<CaseResult> results;
  for (const Command& command : commands) {
    if (const auto* load = std::get_if<LoadCommand>(&command)) {
      this->load(*load);
    } else if (std::holds_alternative<ClearCommand>(command)) {
      storage_.clear();
      special_.clear();
    } else {
      results.push_back(eval(std::get<EvalCommand>(command)));
    }
  }
  return results;
}

void ScriptRunner::load(const LoadCommand& cmd) {
  // A later line for the same series replaces the earlier one within a block.
  std::map<Labels, const SeriesSpec*> block;
  for (const SeriesSpec& spec : cmd.series) {
    block[spec.labels] = &spec;
  }
  for (const auto& [labels, spec] : block) {
    if (cmd.withNhcb && !nhcbBase(labels).empty()) {
      special_.add(SpecialSeries::Kind::kNativeHistogram, nhcbBase(labels));
    }
    if (cmd.defaultStartTimestamps) {
      special_.add(SpecialSeries::Kind::kStartTimestamps, labels);
    }
    if (labels.has("__type__") || labels.has("__unit__")) {
      special_.add(SpecialSeries::Kind::kTypeUnitLabels, labels);
    }
    if (spec->hasHistogram) {
      special_.add(SpecialSeries::Kind::kNativeHistogram, labels);
      continue;  // never loaded: every eval that could see it is out of the subset
    }
    if (std::none_of(spec->values.begin(), spec->values.end(),
                     [](const std::optional<double>& v) { return v.has_value(); })) {
      continue;  // upstream creates no series without samples
    }
    const std::optional<tsdb::SeriesId> id = storage_.getOrCreate(labels);
    if (!id) {
      loadErrors_.push_back(file_ + ":" + std::to_string(spec->line) + ": store refused " +
                            labels.toString());
      continue;
    }
    for (std::size_t i = 0; i < spec->values.size(); ++i) {
      if (spec->values[i]) {
        storage_.append(*id, static_cast<TimestampMs>(i) * cmd.step, *spec->values[i]);
      }
    }
  }
  for (const Labels& labels : cmd.startTimestampSeries) {
    special_.add(SpecialSeries::Kind::kStartTimestamps, labels);
  }
}

CaseResult ScriptRunner::eval(const EvalCommand& ev) {
  CaseResult r{file_, ev.line, ev.expr, Outcome::kFail, {}};
  if (ev.expectsHistogram) {
    return with(std::move(r), Outcome::kOutOfSubset, "native histogram in the expected result");
  }
  promql::ParseResult parsed =
      promql::parse(ev.expr, promql::ParseOptions{.allowOutsideSubset = false});
  if (!parsed.ok()) {
    const promql::ParseError& error = parsed.error();
    if (error.message.find(kNotSupported) != std::string::npos) {
      return with(std::move(r), Outcome::kOutOfSubset, "parser: " + error.message);
    }
    if (auto why = special_.reachedByText(ev.expr)) {
      return with(std::move(r), Outcome::kOutOfSubset, *why);
    }
    if (ev.fail) {
      return checkFailure(ev, std::move(r), error.message);
    }
    return with(std::move(r), Outcome::kFail, "parse error: " + error.toString());
  }
  const promql::Expr& expr = parsed.expr();
  if (auto why = special_.reachedBy(expr)) {
    return with(std::move(r), Outcome::kOutOfSubset, *why);
  }
  if (auto reason = knownSkip(r.key())) {
    return with(std::move(r), Outcome::kSkippedInSubset, std::string(*reason));
  }
  try {
    return ev.isRange ? runRange(ev, expr, std::move(r)) : runInstant(ev, expr, std::move(r));
  } catch (const std::exception& e) {
    return with(CaseResult{file_, ev.line, ev.expr, Outcome::kFail, {}}, Outcome::kFail,
                std::string("exception: ") + e.what());
  }
}

CaseResult ScriptRunner::runRange(const EvalCommand& ev, const promql::Expr& expr,
                                  CaseResult r) const {
  promql::Annotations annotations;
  Result<promql::Matrix> got =
      engine_.range(expr, storage_, ev.start, ev.end, ev.step, &annotations);
  if (!got) {
    if (ev.fail) {
      return checkFailure(ev, std::move(r), got.error().message);
    }
    return with(std::move(r), Outcome::kFail, "error: " + got.error().message);
  }
  if (ev.fail) {
    return with(std::move(r), Outcome::kFail, "expected an error, got a result");
  }
  if (auto diff = checkAnnotations(ev, annotations, ev.expr)) {
    return with(std::move(r), Outcome::kFail, *diff);
  }
  if (auto diff = compareResult(ev, *got, Grid{ev.start, ev.end, ev.step})) {
    return with(std::move(r), Outcome::kFail, *diff);
  }
  return with(std::move(r), Outcome::kPass);
}

}  // namespace nova::conformance
