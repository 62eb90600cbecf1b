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
  /// Forgets every result unless they were computed over `storage` with `options`.
  void bind(const tsdb::Storage& storage, const EngineOptions& options);

  /// Whether `expr` is worth remembering: calls, aggregations and vector operations.
  static bool memoizable(const Expr& expr);

  /// The canonical key of `expr`: its printed form, interned and remembered by address.
  std::size_t keyOf(const Expr& expr);

  /// The result remembered for `key` at `t`, or null.
  const EvalValue* find(std::size_t key, TimestampMs t) const;
  void store(std::size_t key, TimestampMs t, const EvalValue& value);

  void clear();
  std::size_t hits() const { return hits_; }
  std::size_t entries() const { return results_.size(); }

 private:
  struct Slot {
    std::size_t key = 0;
    TimestampMs t = 0;
    bool operator==(const Slot&) const = default;
  };
  struct SlotHash {
    std::size_t operator()(const Slot& s) const {
      return s.key * 0x9E3779B97F4A7C15ULL ^ static_cast<std::size_t>(s.t);
    }
  };

  const tsdb::Storage* storage_ = nullptr;
  DurationMs lookbackDelta_ = 0;
  std::size_t maxSamples_ = 0;
  std::unordered_map<const Expr*, std::size_t> keyByNode_;
  std::unordered_map<std::string, std::size_t> keyByText_;
  std::unordered_map<Slot, EvalValue, SlotHash> results_;
  mutable std::size_t hits_ = 0;
};

}  // namespace nova::promql::detail
