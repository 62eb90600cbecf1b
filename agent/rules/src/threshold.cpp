#include <array>
#include <cmath>
#include <utility>

#include "nova/rules/detail/fields.h"
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

std::size_t skipBlanks(std::string_view s, std::size_t i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) {
    ++i;
  }
  return i;
}

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

ThresholdOp swapped(ThresholdOp op) {
  switch (op) {
    case ThresholdOp::kGreater:
      return ThresholdOp::kLess;
    case ThresholdOp::kGreaterEqual:
      return ThresholdOp::kLessEqual;
    case ThresholdOp::kLess:
      return ThresholdOp::kGreater;
    case ThresholdOp::kLessEqual:
      return ThresholdOp::kGreaterEqual;
    default:
      return op;
  }
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

ThresholdParse parseThreshold(std::string_view text) {
  ThresholdParse out;
  const std::size_t opAt = skipBlanks(text, 0);
  std::size_t opEnd = opAt;
  while (opEnd < text.size() && std::string_view("<>=!").find(text[opEnd]) != std::string::npos) {
    ++opEnd;
  }
  const std::string_view op = text.substr(opAt, opEnd - opAt);
  out.errorAt = opAt;
  if (op.empty()) {
    out.error =
        "threshold needs a comparison, e.g. \"> 0.2\" (quote it: a bare > starts a folded "
        "block in YAML)";
    return out;
  }
  const auto parsedOp = parseThresholdOp(op);
  if (!parsedOp) {
    out.error = detail::unknownNameMessage("threshold operator", op, detail::kThresholdOpNames);
    return out;
  }
  const std::size_t numberAt = skipBlanks(text, opEnd);
  std::string_view number = text.substr(numberAt);
  while (!number.empty() && (number.back() == ' ' || number.back() == '\t')) {
    number.remove_suffix(1);
  }
  const auto value = detail::parseNumber(number);
  if (!value) {
    out.errorAt = numberAt;
    out.error = "threshold value must be a number, got \"" + std::string(number) + "\"";
    return out;
  }
  out.errorAt = 0;
  out.threshold = Threshold{*parsedOp, *value};
  return out;
}

std::string_view toString(RuleSource source) {
  return source == RuleSource::kScrape ? "scrape" : "prometheus";
}

}  // namespace nova::rules
