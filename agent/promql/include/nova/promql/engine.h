#pragma once

#include <cstddef>

#include "nova/core/result.h"
#include "nova/core/time.h"
#include "nova/promql/ast.h"
#include "nova/promql/value.h"
#include "nova/tsdb/storage.h"

namespace nova::promql {

struct EngineOptions {
  /// An instant selector returns the newest sample in (t - lookbackDelta, t].
  DurationMs lookbackDelta = 5 * kMinute;
  /// Evaluation fails rather than hold more samples than this at once.
  std::size_t maxSamples = 50'000'000;
};

/// Evaluates parsed expressions over a Storage with Prometheus's semantics. Stateless
/// apart from its options; const methods are safe to call from several threads as long as
/// the Storage is not written meanwhile.
class Engine {
 public:
  explicit Engine(EngineOptions options = {});

  /// Instant query at `t`. Returns a Scalar, Vector, Matrix (for a bare range selector) or
  /// String. The metric name is dropped where Prometheus drops it.
  Result<Value> instant(const Expr& expr, const tsdb::Storage& storage, TimestampMs t) const;

  /// Range query at start, start+step, ..., end. Series sorted by labels; a scalar
  /// expression gives one series with no labels.
  Result<Matrix> range(const Expr& expr, const tsdb::Storage& storage, TimestampMs start,
                       TimestampMs end, DurationMs step) const;

  const EngineOptions& options() const { return options_; }

 private:
  EngineOptions options_;
};

}  // namespace nova::promql
