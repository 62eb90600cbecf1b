#include <array>
#include <cmath>
#include <utility>

#include "nova/rules/rule.h"
#include "nova/rules/template.h"

namespace nova::rules {
namespace {

constexpr std::array<std::pair<ThresholdOp, std::string_view>, 6> kOps{{
    {ThresholdOp::kGreaterEqual, ">="},
    {ThresholdOp::kLessEqual, "<="},
    {ThresholdOp::kEqual, "=="},
    {ThresholdOp::kNotEqual, "!="},
    {ThresholdOp::kGreater, ">"},
    {ThresholdOp::kLess, "<"},
}};

}  // namespace

std::string_view toString(ThresholdOp op) {
  if (op == ThresholdOp::kAnyResult) {
    return "any";
  }
  for (const auto& [candidate, text] : kOps) {
    if (candidate == op) {
      return text;
    }
  }
  return ">";
}

std::optional<ThresholdOp> parseThresholdOp(std::string_view text) {
  for (const auto& [op, candidate] : kOps) {
    if (candidate == text) {
      return op;
    }
  }
  return std::nullopt;
}

bool Threshold::breaches(double sample) const {
  if (op == ThresholdOp::kAnyResult) {
    return true;
  }
  if (std::isnan(sample)) {
    return false;
  }
  switch (op) {
    case ThresholdOp::kGreater:
      return sample > value;
    case ThresholdOp::kGreaterEqual:
      return sample >= value;
    case ThresholdOp::kLess:
      return sample < value;
    case ThresholdOp::kLessEqual:
      return sample <= value;
    case ThresholdOp::kEqual:
      return sample == value;
    case ThresholdOp::kNotEqual:
      return sample != value;
    case ThresholdOp::kAnyResult:
      return true;
  }
  return false;
}

bool Threshold::worse(double a, double b) const {
  switch (op) {
    case ThresholdOp::kLess:
    case ThresholdOp::kLessEqual:
      return a < b;
    case ThresholdOp::kEqual:
    case ThresholdOp::kNotEqual:
      return std::fabs(a - value) > std::fabs(b - value);
    case ThresholdOp::kAnyResult:
      return a > b || (std::isnan(b) && !std::isnan(a));
    default:
      return a > b;
  }
}

std::string Threshold::toString() const {
  if (op == ThresholdOp::kAnyResult) {
    return "any result";
  }
  return std::string(rules::toString(op)) + " " + formatValue(value, ValueFormat::kPlain);
}

std::string_view toString(RuleSource source) {
  return source == RuleSource::kScrape ? "scrape" : "prometheus";
}

}  // namespace nova::rules
