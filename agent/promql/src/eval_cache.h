#pragma once

#include <cstddef>
#include <string>
#include <unordered_map>

#include "eval_context.h"
#include "nova/core/time.h"
#include "nova/promql/ast.h"
#include "nova/promql/engine.h"
#include "nova/tsdb/storage.h"

namespace nova::promql::detail {

/// The state behind EvalCache: subexpression results by (canonical text, time), in the
/// evaluator's own representation so that the delayed name removal survives a hit.
class EvalCacheImpl {
 public:
  /// Forgets every result unless they were computed over `storage` with `options`, and
  /// looked for annotations exactly when `annotating` asks for them.
  void bind(const tsdb::Storage& storage, const EngineOptions& options, bool annotating);

  /// Whether `expr` is worth remembering: calls, aggregations and vector operations.
  static bool memoizable(const Expr& expr);

  /// The canonical key of `expr`: its printed form, interned and remembered by address.
  std::size_t keyOf(const Expr& expr);

  /// A remembered result. One whose evaluation made annotations is evaluated again when
  /// asked for, since the annotations' positions belong to the query that made them.
  struct Entry {
    EvalValue value;
    bool annotated = false;
  };

  /// The result remembered for `key` at `t` in a query at `queryTime` (what `@ start()` and
  /// `@ end()` stand for inside a subquery), or null (also for an annotated one).
  const Entry* find(std::size_t key, TimestampMs t, TimestampMs queryTime) const;
  void store(std::size_t key, TimestampMs t, TimestampMs queryTime, Entry entry);

  void clear();
  std::size_t hits() const { return hits_; }
  std::size_t entries() const { return results_.size(); }

 private:
  struct Slot {
    std::size_t key = 0;
    TimestampMs t = 0;
    TimestampMs queryTime = 0;
    bool operator==(const Slot&) const = default;
  };
  struct SlotHash {
    std::size_t operator()(const Slot& s) const {
      return s.key * 0x9E3779B97F4A7C15ULL ^ static_cast<std::size_t>(s.t) ^
             (static_cast<std::size_t>(s.queryTime) << 1);
    }
  };

  const tsdb::Storage* storage_ = nullptr;
  DurationMs lookbackDelta_ = 0;
  std::size_t maxSamples_ = 0;
  DurationMs subqueryStep_ = 0;
  bool annotating_ = false;
  std::unordered_map<const Expr*, std::size_t> keyByNode_;
  std::unordered_map<std::string, std::size_t> keyByText_;
  std::unordered_map<Slot, Entry, SlotHash> results_;
  mutable std::size_t hits_ = 0;
};

}  // namespace nova::promql::detail
