#pragma once

#include <string>
#include <variant>
#include <vector>

#include "nova/core/labels.h"
#include "nova/core/sample.h"
#include "nova/core/time.h"

namespace nova::promql {

enum class ValueType { kScalar, kVector, kMatrix, kString };

std::string_view toString(ValueType type);

struct Scalar {
  TimestampMs t = 0;
  double v = 0;
};

struct String {
  TimestampMs t = 0;
  std::string v;
};

/// One element of an instant vector.
struct VectorSample {
  Labels labels;
  TimestampMs t = 0;
  double v = 0;
};
using Vector = std::vector<VectorSample>;

/// One series of a range vector or of a range query's result.
struct Series {
  Labels labels;
  std::vector<Sample> points;
};
using Matrix = std::vector<Series>;

/// The result of evaluating an expression.
using Value = std::variant<Scalar, Vector, Matrix, String>;

}  // namespace nova::promql
