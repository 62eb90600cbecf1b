#include "fn_math.h"

#include <array>
#include <cmath>
#include <numbers>

namespace nova::promql::detail {
namespace {

double sgn(double v) {
  if (v < 0) {
    return -1;
  }
  if (v > 0) {
    return 1;
  }
  return v;
}

struct MathEntry {
  std::string_view name;
  MathFunction fn;
};

}  // namespace

MathFunction findMathFunction(std::string_view name) {
  static constexpr std::array<MathEntry, 24> kTable{{
      {"abs", [](double v) { return std::fabs(v); }},
      {"ceil", [](double v) { return std::ceil(v); }},
      {"floor", [](double v) { return std::floor(v); }},
      {"exp", [](double v) { return std::exp(v); }},
      {"sqrt", [](double v) { return std::sqrt(v); }},
      {"ln", [](double v) { return std::log(v); }},
      {"log2", [](double v) { return std::log2(v); }},
      {"log10", [](double v) { return std::log10(v); }},
      {"sgn", sgn},
      {"sin", [](double v) { return std::sin(v); }},
      {"cos", [](double v) { return std::cos(v); }},
      {"tan", [](double v) { return std::tan(v); }},
      {"asin", [](double v) { return std::asin(v); }},
      {"acos", [](double v) { return std::acos(v); }},
      {"atan", [](double v) { return std::atan(v); }},
      {"sinh", [](double v) { return std::sinh(v); }},
      {"cosh", [](double v) { return std::cosh(v); }},
      {"tanh", [](double v) { return std::tanh(v); }},
      {"asinh", [](double v) { return std::asinh(v); }},
      {"acosh", [](double v) { return std::acosh(v); }},
      {"atanh", [](double v) { return std::atanh(v); }},
      {"rad", [](double v) { return v * std::numbers::pi / 180; }},
      {"deg", [](double v) { return v * 180 / std::numbers::pi; }},
      {"round", [](double v) { return roundToNearest(v, 1); }},
  }};
  for (const auto& entry : kTable) {
    if (entry.name == name) {
      return entry.fn;
    }
  }
  return nullptr;
}

double goMax(double a, double b) {
  if (std::isinf(a) && a > 0) {
    return a;
  }
  if (std::isinf(b) && b > 0) {
    return b;
  }
  if (std::isnan(a) || std::isnan(b)) {
    return std::nan("");
  }
  if (a == 0 && a == b) {
    return std::signbit(a) ? b : a;
  }
  return a > b ? a : b;
}

double goMin(double a, double b) {
  if (std::isinf(a) && a < 0) {
    return a;
  }
  if (std::isinf(b) && b < 0) {
    return b;
  }
  if (std::isnan(a) || std::isnan(b)) {
    return std::nan("");
  }
  if (a == 0 && a == b) {
    return std::signbit(a) ? a : b;
  }
  return a < b ? a : b;
}

double roundToNearest(double v, double toNearest) {
  // Dividing by the inverse is what Prometheus does; it is kinder to decimal fractions.
  const double inverse = 1.0 / toNearest;
  return std::floor(v * inverse + 0.5) / inverse;
}

}  // namespace nova::promql::detail
