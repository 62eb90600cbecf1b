#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "nova/core/labels.h"
#include "nova/core/result.h"
#include "nova/core/sample.h"
#include "nova/core/time.h"
#include "nova/promql/annotations.h"
#include "nova/promql/ast.h"
#include "nova/promql/engine.h"
#include "nova/promql/value.h"
#include "nova/tsdb/storage.h"

namespace nova::promql::detail {

/// One element of an instant vector while a query is evaluated. `dropName` carries
/// Prometheus's delayed name removal: the name stays for grouping and matching and is
/// removed only from the final result.
struct EvalSample {
  Labels labels;
  double v = 0;
  bool dropName = false;
};
using EvalVector = std::vector<EvalSample>;

struct EvalSeries {
  Labels labels;
  std::vector<Sample> points;
  bool dropName = false;
};
using EvalMatrix = std::vector<EvalSeries>;

using EvalValue = std::variant<Scalar, EvalVector, EvalMatrix, String>;

/// The first and last evaluation time of a query (equal for an instant query): what
/// `@ start()` and `@ end()` stand for.
struct QueryWindow {
  TimestampMs start = 0;
  TimestampMs end = 0;
};

/// Evaluates one expression tree at one or more timestamps over one Storage. Caches the
/// series each selector matched, so a range query matches regular expressions once.
class EvalCacheImpl;
class IncrementalImpl;

class Evaluator {
 public:
  /// `cache`, when given, supplies and keeps subexpression results (see EvalCache).
  /// `annotate` asks for Prometheus's warnings and infos (see annotations()); they cost a
  /// check per series, so they are only produced when asked for.
  Evaluator(const EngineOptions& options, const tsdb::Storage& storage, QueryWindow window,
            EvalCacheImpl* cache = nullptr, bool annotate = false)
      : options_(options),
        storage_(storage),
        window_(window),
        cache_(cache),
        annotating_(annotate) {}

  /// Keeps series lists and running windows in `incremental` (see IncrementalState); it
  /// must be bound to this evaluator's storage.
  void useIncremental(IncrementalImpl* incremental) { incremental_ = incremental; }
  /// The running windows to use at `t`: only an instant query's own time slides from one
  /// round to the next; a subquery's earlier steps would only send windows back in time.
  IncrementalImpl* incrementalAt(TimestampMs t) const {
    return window_.start == window_.end && t == window_.end ? incremental_ : nullptr;
  }

  /// Evaluates `expr` at `t`; the sample budget starts afresh.
  Result<EvalValue> evalAt(const Expr& expr, TimestampMs t);

  Result<EvalValue> eval(const Expr& expr, TimestampMs t);
  /// Evaluates an expression that must give a scalar (function parameters).
  Result<double> evalScalar(const Expr& expr, TimestampMs t);
  /// Evaluates an expression that must give an instant vector.
  Result<EvalVector> evalVector(const Expr& expr, TimestampMs t);

  /// The series a selector matches (cached per selector node).
  const std::vector<tsdb::SeriesId>& matchingSeries(const VectorSelector& selector);
  /// The newest non-stale sample in the lookback window, by series; appends to `out`.
  /// `sampleTimes`, when given, receives each sample's own timestamp.
  Status selectInstant(const VectorSelector& selector, TimestampMs t, EvalVector& out,
                       std::vector<TimestampMs>* sampleTimes = nullptr);
  /// Receives the newest sample of each selected series with the store's own labels.
  using InstantSink = std::function<void(const Labels& labels, const Sample& newest)>;
  /// What selectInstant selects, handed to `sink` in series order instead of copied.
  Status streamInstant(const VectorSelector& selector, TimestampMs t, const InstantSink& sink);
  /// The samples of one series in (from, to] without stale markers: a view into the store,
  /// or into `buffer` when stale markers had to be removed.
  std::span<const Sample> rangePoints(tsdb::SeriesId id, TimestampMs from, TimestampMs to,
                                      std::vector<Sample>& buffer) const;
  /// Asks the CPU to fetch the ends of the sample buffer of `ids[index]` (if any) so that
  /// the lookups a few series later do not stall on memory.
  void prefetchSeries(const std::vector<tsdb::SeriesId>& ids, std::size_t index) const;
  /// Counts samples against EngineOptions::maxSamples.
  Status charge(std::size_t samples);

  const tsdb::Storage& storage() const { return storage_; }
  const EngineOptions& options() const { return options_; }
  const QueryWindow& window() const { return window_; }

  /// Whether the query asked for annotations.
  bool annotating() const { return annotating_; }
  /// Records an annotation (when annotating); repeats are merged when the query ends.
  void annotate(Annotation annotation);
  /// Every annotation recorded so far, repeats included, in order.
  const Annotations& annotations() const { return annotations_; }

  /// The time a selector reads at: its `@` if any (`@ start()` and `@ end()` resolved
  /// against the query window), else `t`, minus its offset.
  TimestampMs selectorTime(const VectorSelector& selector, TimestampMs t) const;

  /// A time range (from, to]: left-open, as range selectors read.
  struct Window {
    TimestampMs from = 0;
    TimestampMs to = 0;
  };
  /// The range a subquery covers at `t`: `to` is its `@` (or `t`) minus its offset.
  Window subqueryWindow(const Subquery& sq, TimestampMs t) const;
  /// The subquery's inner expression evaluated at its steps inside subqueryWindow(): the
  /// multiples of its step (EngineOptions::defaultSubqueryStep when it has none), as series
  /// in order of appearance. Every step and every point counts against maxSamples, so a long
  /// range at a fine step is refused rather than evaluated without bound.
  Result<EvalMatrix> evalSubquery(const Subquery& sq, TimestampMs t);

 private:
  Result<EvalValue> evalNode(const Expr& expr, TimestampMs t);
  Result<EvalValue> evalCall(const Call& call, const Expr& expr, TimestampMs t);
  Result<EvalValue> evalAggregate(const Aggregate& agg, TimestampMs t);
  Result<EvalValue> evalBinary(const Binary& bin, TimestampMs t);
  Result<EvalValue> evalUnary(const Unary& unary, TimestampMs t);
  Result<EvalValue> evalMatrixSelector(const MatrixSelector& sel, TimestampMs t);
  /// `t` moved to an `@` time when there is one.
  TimestampMs atTime(const std::optional<TimestampMs>& at, AtAnchor anchor, TimestampMs t) const;

  const EngineOptions& options_;
  const tsdb::Storage& storage_;
  QueryWindow window_;
  EvalCacheImpl* cache_ = nullptr;
  IncrementalImpl* incremental_ = nullptr;
  bool annotating_ = false;
  Annotations annotations_;
  std::unordered_map<const VectorSelector*, std::vector<tsdb::SeriesId>> seriesCache_;
  std::size_t samplesInUse_ = 0;
};

struct RangeFunctionInfo;

/// Receives the output samples of a range-vector function one by one; `labels` are the
/// store's own, valid during the call.
using RangeSink = std::function<void(const Labels& labels, double v, bool dropName)>;

/// Evaluates the range-vector function call `call` (described by `info`) at `t`, handing
/// each output sample to `sink` in series order instead of building a vector.
Status streamRangeFunction(Evaluator& ev, const RangeFunctionInfo& info, const Call& call,
                           TimestampMs t, const RangeSink& sink);

/// Results holding a scalar or a string. Out of line on purpose: inlined, GCC 12 reports a
/// spurious -Wmaybe-uninitialized for the variant's inactive vector alternatives.
Result<EvalValue> scalarResult(TimestampMs t, double v);
Result<EvalValue> stringResult(TimestampMs t, std::string v);

/// The refusal of a query that would go over EngineOptions::maxSamples, naming the limit.
Error tooManySamples(std::size_t limit);

/// The first sample with a timestamp after `t` (end() when none), found from the average
/// spacing with a short walk, or by binary search on irregular data.
const Sample* firstAfter(std::span<const Sample> samples, TimestampMs t);

/// How many series ahead of the current one sample buffers are prefetched.
inline constexpr std::size_t kPrefetchDistance = 4;

/// `expr` with any parentheses around it removed.
const Expr& unwrapParens(const Expr& expr);

}  // namespace nova::promql::detail
