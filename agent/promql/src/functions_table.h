#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "nova/promql/ast.h"
#include "nova/promql/value.h"

namespace nova::promql::detail {

/// The signature of one PromQL function, as Prometheus declares it.
struct FunctionInfo {
  std::string_view name;
  std::vector<ValueType> argTypes;
  /// 0: exactly argTypes.size() arguments; n > 0: the last argument type may be left out or
  /// repeated up to n times in total; -1: the last one repeats without limit.
  int variadic = 0;
  ValueType returnType = ValueType::kVector;
  /// Whether the local engine evaluates it (the rest need `source: prometheus`).
  bool supportedLocally = false;
};

/// The function called `name`, or null when Prometheus has no such function.
const FunctionInfo* findFunction(std::string_view name);

/// Every function name, for "did you mean" hints.
std::span<const std::string_view> functionNames();

/// Whether the local engine evaluates this aggregation.
bool isAggregationSupportedLocally(AggregateOp op);

/// Prometheus's name for a value type in messages ("instant vector", "range vector"...).
std::string_view documentedType(ValueType type);

}  // namespace nova::promql::detail
