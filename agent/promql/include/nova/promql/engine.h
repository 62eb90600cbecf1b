#pragma once

#include <cstddef>
#include <memory>

#include "nova/core/result.h"
#include "nova/core/time.h"
#include "nova/promql/annotations.h"
#include "nova/promql/ast.h"
#include "nova/promql/incremental.h"
#include "nova/promql/value.h"
#include "nova/tsdb/storage.h"

namespace nova::promql {

struct EngineOptions {
  /// An instant selector returns the newest sample in (t - lookbackDelta, t].
  DurationMs lookbackDelta = 5 * kMinute;
  /// The per-query sample limit: evaluating a query at one time (an instant query, or one
  /// step of a range query) fails with kRefused, naming the limit, once the samples it has
  /// read from the store plus the points and steps its subqueries have computed go over
  /// this. Unlike Prometheus's query.max-samples (50M samples held at once on a server) it
  /// counts everything read, so it bounds the time of a query as well as its memory: 10M is
  /// some 30 ms of CPU, and a subquery over a long range at a fine step is refused instead
  /// of running without bound. The default rules over a 10k-series target read under 1M.
  std::size_t maxSamples = 10'000'000;
  /// The step of a subquery written without one (`x[1h:]`), as Prometheus's global
  /// evaluation interval.
  DurationMs defaultSubqueryStep = kMinute;
};

/// Evaluates parsed expressions over a Storage with Prometheus's semantics. Stateless
/// apart from its options; const methods are safe to call from several threads as long as
/// the Storage is not written meanwhile.
namespace detail {
class EvalCacheImpl;
}

/// Results of subexpressions shared by the queries of one evaluation round, e.g. the same
/// `sum(rate(x[1m]))` in several rules and their guards. A result is reused only for the
/// same printed subexpression at the same evaluation time, in a query at the same time,
/// over the same Storage and engine options. It is valid only while the Storage is not
/// written: use one cache per round
/// and drop it (or clear()) before the next append. Expressions evaluated with a cache
/// must outlive its use, since nodes are recognised by address. Not thread-safe.
class EvalCache {
 public:
  EvalCache();
  ~EvalCache();
  EvalCache(EvalCache&&) noexcept;
  EvalCache& operator=(EvalCache&&) noexcept;
  EvalCache(const EvalCache&) = delete;
  EvalCache& operator=(const EvalCache&) = delete;

  /// Forgets every result and every remembered expression node.
  void clear();
  /// How many subexpression evaluations a remembered result replaced.
  std::size_t hits() const;
  /// How many results are remembered.
  std::size_t entries() const;

 private:
  friend class Engine;
  std::unique_ptr<detail::EvalCacheImpl> impl_;
};

class Engine {
 public:
  explicit Engine(EngineOptions options = {});

  /// Instant query at `t`. Returns a Scalar, Vector, Matrix (for a bare range selector or a
  /// subquery) or String. The metric name is dropped where Prometheus drops it.
  /// `annotations`, when given, receives Prometheus's warnings and infos about the query
  /// (each message once), also when the query fails; asking for them costs a little time
  /// per series.
  Result<Value> instant(const Expr& expr, const tsdb::Storage& storage, TimestampMs t,
                        Annotations* annotations = nullptr) const;

  /// The same instant query, reusing and adding to the subexpression results in `cache`.
  /// The result and annotations equal the uncached ones. A remembered result is not counted
  /// again against EngineOptions::maxSamples.
  Result<Value> instant(const Expr& expr, const tsdb::Storage& storage, TimestampMs t,
                        EvalCache& cache, Annotations* annotations = nullptr) const;

  /// The same, also keeping series lists and running windows in `incremental` for the
  /// next round over the same store (see IncrementalState). The result, annotations and
  /// errors equal those of a from-scratch evaluation.
  Result<Value> instant(const Expr& expr, const tsdb::Storage& storage, TimestampMs t,
                        EvalCache& cache, IncrementalState& incremental,
                        Annotations* annotations = nullptr) const;

  /// Range query at start, start+step, ..., end. Series sorted by labels; a scalar
  /// expression gives one series with no labels. `annotations` as for instant().
  Result<Matrix> range(const Expr& expr, const tsdb::Storage& storage, TimestampMs start,
                       TimestampMs end, DurationMs step, Annotations* annotations = nullptr) const;

  const EngineOptions& options() const { return options_; }

 private:
  EngineOptions options_;
};

}  // namespace nova::promql
