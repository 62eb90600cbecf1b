#include "nova/dashboard/units.h"

#include <cmath>
#include <cstdio>
#include <variant>

namespace nova::dashboard {
namespace {

// Three significant digits, without trailing zeros ("212", "1.25", "0.15").
std::string significant(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  std::string out = buf;
  // %.3g switches to exponent form for large values; whole numbers read better in full.
  if (out.find('e') != std::string::npos && std::abs(v) >= 1) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
    out = buf;
  }
  return out;
}

}  // namespace

std::string_view unitName(Unit unit) {
  switch (unit) {
    case Unit::kNone:
      return "";
    case Unit::kSeconds:
      return "seconds";
    case Unit::kRatio:
      return "ratio";
    case Unit::kCount:
      return "count";
  }
  return "";
}

std::optional<Unit> parseUnitName(std::string_view name) {
  for (Unit unit : {Unit::kSeconds, Unit::kRatio, Unit::kCount}) {
    if (name == unitName(unit)) {
      return unit;
    }
  }
  return name == "none" ? std::optional(Unit::kNone) : std::nullopt;
}

Unit unitOf(const rules::Template& summary) {
  for (const auto& part : summary.parts()) {
    if (const auto* ref = std::get_if<rules::Template::ValueRef>(&part)) {
      switch (ref->format) {
        case rules::ValueFormat::kHumanizeDuration:
          return Unit::kSeconds;
        case rules::ValueFormat::kHumanizePercentage:
          return Unit::kRatio;
        default:
          return Unit::kNone;
      }
    }
  }
  return Unit::kNone;
}

std::string formatValue(double value, Unit unit) {
  if (std::isnan(value)) {
    return "no value";
  }
  if (std::isinf(value)) {
    return value > 0 ? "+Inf" : "-Inf";
  }
  switch (unit) {
    case Unit::kSeconds:
      if (std::abs(value) < 1) {
        return significant(value * 1000) + " ms";
      }
      return significant(value) + " s";
    case Unit::kRatio:
      return significant(value * 100) + " %";
    case Unit::kCount:
      if (value == std::floor(value) && std::abs(value) < 1e15) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.0f", value);
        return buf;
      }
      return significant(value);
    case Unit::kNone:
      break;
  }
  return significant(value);
}

std::string formatThreshold(const rules::Threshold& threshold, Unit unit) {
  return std::string(rules::toString(threshold.op)) + " " + formatValue(threshold.value, unit);
}

}  // namespace nova::dashboard
