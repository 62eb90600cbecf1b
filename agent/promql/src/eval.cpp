// Dispatch over the expression tree.
#include <type_traits>

#include "eval_cache.h"
#include "eval_context.h"

namespace nova::promql::detail {

namespace {

[[gnu::noinline]] Result<EvalValue> wrap(EvalValue value) {
  return value;
}

}  // namespace

Result<EvalValue> scalarResult(TimestampMs t, double v) {
  return wrap(Scalar{t, v});
}

Result<EvalValue> stringResult(TimestampMs t, std::string v) {
  return wrap(String{t, std::move(v)});
}

Result<EvalValue> Evaluator::evalAt(const Expr& expr, TimestampMs t) {
  samplesInUse_ = 0;
  return eval(expr, t);
}

Result<EvalValue> Evaluator::eval(const Expr& expr, TimestampMs t) {
  if (cache_ == nullptr || !EvalCacheImpl::memoizable(expr)) {
    return evalNode(expr, t);
  }
  const std::size_t key = cache_->keyOf(expr);
  if (const EvalCacheImpl::Entry* hit = cache_->find(key, t, window_.end)) {
    return wrap(hit->value);
  }
  const std::size_t annotationsBefore = annotations_.size();
  auto result = evalNode(expr, t);
  if (result) {
    cache_->store(key, t, window_.end,
                  EvalCacheImpl::Entry{*result, annotations_.size() > annotationsBefore});
  }
  return result;
}

Result<EvalValue> Evaluator::evalNode(const Expr& expr, TimestampMs t) {
  return std::visit(
      [&](const auto& node) -> Result<EvalValue> {
        using T = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<T, NumberLiteral>) {
          return scalarResult(t, node.value);
        } else if constexpr (std::is_same_v<T, StringLiteral>) {
          return stringResult(t, node.value);
        } else if constexpr (std::is_same_v<T, VectorSelector>) {
          EvalVector out;
          if (auto st = selectInstant(node, t, out); !st) {
            return st.error();
          }
          return EvalValue{std::move(out)};
        } else if constexpr (std::is_same_v<T, MatrixSelector>) {
          return evalMatrixSelector(node, t);
        } else if constexpr (std::is_same_v<T, Subquery>) {
          auto matrix = evalSubquery(node, t);
          if (!matrix) {
            return matrix.error();
          }
          return EvalValue{std::move(*matrix)};
        } else if constexpr (std::is_same_v<T, Call>) {
          return evalCall(node, expr, t);
        } else if constexpr (std::is_same_v<T, Aggregate>) {
          return evalAggregate(node, t);
        } else if constexpr (std::is_same_v<T, Binary>) {
          return evalBinary(node, t);
        } else if constexpr (std::is_same_v<T, Unary>) {
          return evalUnary(node, t);
        } else {
          static_assert(std::is_same_v<T, Paren>);
          return eval(*node.expr, t);
        }
      },
      expr.node);
}

Result<double> Evaluator::evalScalar(const Expr& expr, TimestampMs t) {
  auto value = eval(expr, t);
  if (!value) {
    return value.error();
  }
  if (const auto* s = std::get_if<Scalar>(&*value)) {
    return s->v;
  }
  return Error{ErrorCode::kInternal, "expected a scalar expression"};
}

Result<EvalVector> Evaluator::evalVector(const Expr& expr, TimestampMs t) {
  auto value = eval(expr, t);
  if (!value) {
    return value.error();
  }
  if (auto* v = std::get_if<EvalVector>(&*value)) {
    return std::move(*v);
  }
  return Error{ErrorCode::kInternal, "expected an instant vector expression"};
}

Result<EvalValue> Evaluator::evalUnary(const Unary& unary, TimestampMs t) {
  auto value = eval(*unary.expr, t);
  if (!value || !unary.negate) {
    return value;
  }
  if (auto* s = std::get_if<Scalar>(&*value)) {
    s->v = -s->v;
    return value;
  }
  if (auto* v = std::get_if<EvalVector>(&*value)) {
    for (auto& sample : *v) {
      sample.v = -sample.v;
      sample.dropName = true;
    }
    return value;
  }
  return Error{ErrorCode::kInternal, "unary minus needs a scalar or an instant vector"};
}

}  // namespace nova::promql::detail
