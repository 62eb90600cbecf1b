// The per-round memo of subexpression results behind Engine::instant(..., EvalCache&).
#include "eval_cache.h"

#include <type_traits>
#include <utility>
#include <variant>

namespace nova::promql {

EvalCache::EvalCache() : impl_(std::make_unique<detail::EvalCacheImpl>()) {}
EvalCache::~EvalCache() = default;
EvalCache::EvalCache(EvalCache&&) noexcept = default;
EvalCache& EvalCache::operator=(EvalCache&&) noexcept = default;

void EvalCache::clear() {
  impl_->clear();
}

std::size_t EvalCache::hits() const {
  return impl_->hits();
}

std::size_t EvalCache::entries() const {
  return impl_->entries();
}

namespace detail {

void EvalCacheImpl::bind(const tsdb::Storage& storage, const EngineOptions& options,
                         bool annotating) {
  // Results are made with annotations or without, for queries that ask the same.
  if (storage_ != &storage || lookbackDelta_ != options.lookbackDelta ||
      maxSamples_ != options.maxSamples || subqueryStep_ != options.defaultSubqueryStep ||
      annotating != annotating_) {
    results_.clear();
    storage_ = &storage;
    lookbackDelta_ = options.lookbackDelta;
    maxSamples_ = options.maxSamples;
    subqueryStep_ = options.defaultSubqueryStep;
    annotating_ = annotating;
  }
}

bool EvalCacheImpl::memoizable(const Expr& expr) {
  return std::visit(
      [&](const auto& node) {
        using T = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<T, Call> || std::is_same_v<T, Aggregate>) {
          return true;
        } else if constexpr (std::is_same_v<T, Binary>) {
          // Operations on scalars alone cost less than the lookup.
          return expr.type() == ValueType::kVector;
        } else {
          return false;
        }
      },
      expr.node);
}

std::size_t EvalCacheImpl::keyOf(const Expr& expr) {
  if (auto it = keyByNode_.find(&expr); it != keyByNode_.end()) {
    return it->second;
  }
  auto [text, inserted] = keyByText_.try_emplace(toString(expr), keyByText_.size());
  keyByNode_.emplace(&expr, text->second);
  return text->second;
}

const EvalCacheImpl::Entry* EvalCacheImpl::find(std::size_t key, TimestampMs t,
                                                TimestampMs queryTime) const {
  auto it = results_.find(Slot{key, t, queryTime});
  if (it == results_.end() || it->second.annotated) {
    return nullptr;
  }
  ++hits_;
  return &it->second;
}

void EvalCacheImpl::store(std::size_t key, TimestampMs t, TimestampMs queryTime, Entry entry) {
  results_.insert_or_assign(Slot{key, t, queryTime}, std::move(entry));
}

void EvalCacheImpl::clear() {
  results_.clear();
  keyByNode_.clear();
  keyByText_.clear();
  hits_ = 0;
}

}  // namespace detail
}  // namespace nova::promql
