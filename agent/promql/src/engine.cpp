// Engine entry points: instant and range queries, and the final removal of metric names.
#include "nova/promql/engine.h"

#include <algorithm>
#include <unordered_map>

#include "annotation_messages.h"
#include "eval_cache.h"
#include "eval_context.h"
#include "eval_labels.h"
#include "functions_table.h"
#include "incremental_impl.h"

namespace nova::promql {
namespace {

using detail::EvalSample;
using detail::Evaluator;
using detail::EvalValue;
using detail::EvalVector;

constexpr const char* kDuplicateLabelset = "vector cannot contain metrics with the same labelset";

void applyDelayedNameRemoval(EvalVector& vec) {
  for (auto& s : vec) {
    if (s.dropName) {
      s.labels = detail::dropMetricName(s.labels);
      s.dropName = false;
    }
  }
}

// Out of line for the same GCC 12 -Wmaybe-uninitialized false positive as scalarResult.
[[gnu::noinline]] Result<Value> valueResult(Value value) {
  return value;
}

// A range vector with the delayed name removal applied, sorted by labels. Series whose
// names were dropped into one label set are merged, as Prometheus does, unless two of them
// have a point at the same time.
Result<Matrix> finishMatrix(detail::EvalMatrix m) {
  Matrix out;
  std::unordered_map<Labels, std::size_t, LabelsHash> index;
  bool merged = false;
  for (auto& series : m) {
    Labels labels = series.dropName ? detail::dropMetricName(series.labels) : series.labels;
    auto [it, inserted] = index.try_emplace(labels, out.size());
    if (inserted) {
      out.push_back(Series{std::move(labels), std::move(series.points)});
      continue;
    }
    auto& points = out[it->second].points;
    points.insert(points.end(), series.points.begin(), series.points.end());
    merged = true;
  }
  if (merged) {
    for (Series& series : out) {
      std::sort(series.points.begin(), series.points.end(),
                [](const Sample& a, const Sample& b) { return a.t < b.t; });
      for (std::size_t i = 1; i < series.points.size(); ++i) {
        if (series.points[i].t == series.points[i - 1].t) {
          return Error{ErrorCode::kInvalidInput, kDuplicateLabelset};
        }
      }
    }
  }
  std::sort(out.begin(), out.end(),
            [](const Series& a, const Series& b) { return a.labels < b.labels; });
  return out;
}

// The public Value of an instant query's result, with the delayed name removal applied.
Result<Value> finishInstant(Result<EvalValue> result, TimestampMs t) {
  if (!result) {
    return result.error();
  }
  if (auto* s = std::get_if<Scalar>(&*result)) {
    return valueResult(Scalar{t, s->v});
  }
  if (auto* str = std::get_if<String>(&*result)) {
    return valueResult(String{t, std::move(str->v)});
  }
  if (auto* m = std::get_if<detail::EvalMatrix>(&*result)) {
    auto out = finishMatrix(std::move(*m));
    if (!out) {
      return out.error();
    }
    return Value{std::move(*out)};
  }
  auto& vec = std::get<EvalVector>(*result);
  applyDelayedNameRemoval(vec);
  if (auto st = detail::checkUniqueLabels(vec); !st) {
    return st.error();
  }
  Vector out;
  out.reserve(vec.size());
  for (auto& s : vec) {
    out.push_back(VectorSample{std::move(s.labels), t, s.v});
  }
  return Value{std::move(out)};
}

Result<Matrix> evaluateRange(Evaluator& evaluator, const EngineOptions& options, const Expr& expr,
                             TimestampMs start, TimestampMs end, DurationMs step) {
  Matrix out;
  std::unordered_map<Labels, std::size_t, LabelsHash> index;
  std::size_t points = 0;
  for (TimestampMs t = start; t <= end; t += step) {
    auto result = evaluator.evalAt(expr, t);
    if (!result) {
      return result.error();
    }
    EvalVector vec;
    if (auto* s = std::get_if<Scalar>(&*result)) {
      vec.push_back(EvalSample{Labels{}, s->v, false});
    } else if (auto* v = std::get_if<EvalVector>(&*result)) {
      vec = std::move(*v);
    } else {
      return Error{ErrorCode::kInternal,
                   "range query expression must be a scalar or an instant vector"};
    }
    applyDelayedNameRemoval(vec);
    for (auto& s : vec) {
      auto [it, inserted] = index.try_emplace(s.labels, out.size());
      if (inserted) {
        out.push_back(Series{std::move(s.labels), {}});
      }
      auto& series = out[it->second].points;
      // Two elements with one label set at one step: names were dropped into a clash.
      if (!series.empty() && series.back().t == t) {
        return Error{ErrorCode::kInvalidInput, kDuplicateLabelset};
      }
      series.push_back(Sample{t, s.v});
    }
    points += vec.size();
    if (points > options.maxSamples) {
      return detail::tooManySamples(options.maxSamples);
    }
  }
  std::sort(out.begin(), out.end(),
            [](const Series& a, const Series& b) { return a.labels < b.labels; });
  return out;
}

// Hands the query's annotations, each message once, to the caller who asked for them.
void reportAnnotations(const Evaluator& evaluator, Annotations* annotations) {
  if (annotations != nullptr) {
    *annotations = detail::mergeAnnotations(evaluator.annotations());
  }
}

// An instant query with the round's cache and, when given, the incremental state (bound to
// `storage` already).
Result<Value> instantWith(const EngineOptions& options, const Expr& expr,
                          const tsdb::Storage& storage, TimestampMs t, detail::EvalCacheImpl& cache,
                          detail::IncrementalImpl* incremental, Annotations* annotations) {
  cache.bind(storage, options, annotations != nullptr);
  Evaluator evaluator(options, storage, detail::QueryWindow{t, t}, &cache, annotations != nullptr);
  evaluator.useIncremental(incremental);
  auto result = finishInstant(evaluator.evalAt(expr, t), t);
  reportAnnotations(evaluator, annotations);
  return result;
}

}  // namespace

Engine::Engine(EngineOptions options) : options_(options) {}

Result<Value> Engine::instant(const Expr& expr, const tsdb::Storage& storage, TimestampMs t,
                              Annotations* annotations) const {
  Evaluator evaluator(options_, storage, detail::QueryWindow{t, t}, nullptr,
                      annotations != nullptr);
  auto result = finishInstant(evaluator.evalAt(expr, t), t);
  reportAnnotations(evaluator, annotations);
  return result;
}

Result<Value> Engine::instant(const Expr& expr, const tsdb::Storage& storage, TimestampMs t,
                              EvalCache& cache, Annotations* annotations) const {
  return instantWith(options_, expr, storage, t, *cache.impl_, nullptr, annotations);
}

Result<Value> Engine::instant(const Expr& expr, const tsdb::Storage& storage, TimestampMs t,
                              EvalCache& cache, IncrementalState& incremental,
                              Annotations* annotations) const {
  incremental.impl_->bind(storage);
  return instantWith(options_, expr, storage, t, *cache.impl_, incremental.impl_.get(),
                     annotations);
}

Result<Matrix> Engine::range(const Expr& expr, const tsdb::Storage& storage, TimestampMs start,
                             TimestampMs end, DurationMs step, Annotations* annotations) const {
  if (step <= 0) {
    return Error{ErrorCode::kInvalidInput,
                 "zero or negative query resolution step widths are not accepted"};
  }
  if (end < start) {
    return Error{ErrorCode::kInvalidInput, "end timestamp must not be before start time"};
  }
  const ValueType type = expr.type();
  if (type != ValueType::kScalar && type != ValueType::kVector) {
    return Error{ErrorCode::kInvalidInput,
                 "invalid expression type \"" + std::string(detail::documentedType(type)) +
                     "\" for range query, must be Scalar or instant Vector"};
  }
  Evaluator evaluator(options_, storage, detail::QueryWindow{start, end}, nullptr,
                      annotations != nullptr);
  auto out = evaluateRange(evaluator, options_, expr, start, end, step);
  reportAnnotations(evaluator, annotations);
  return out;
}

}  // namespace nova::promql
