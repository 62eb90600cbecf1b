#include "chart_annotations.h"

#include <array>

namespace nova::dashboard::detail {
namespace {

constexpr std::string_view kPrefix = "dashboard_";
constexpr std::array<std::string_view, 7> kKeys{
    kChartKey, kQueryKey, kGroupKey, kThresholdKey, kThresholdQueryKey, kUnitKey, kTitleKey};

std::string knownKeys() {
  std::string out;
  for (std::string_view key : kKeys) {
    out += (out.empty() ? "" : ", ") + std::string(key);
  }
  return out;
}

}  // namespace

Error annotationError(const rules::Rule& rule, std::string_view key, const std::string& message) {
  return Error(ErrorCode::kInvalidInput,
               "rule " + rule.name + ": annotation " + std::string(key) + ": " + message);
}

Result<ChartAnnotations> readChartAnnotations(const rules::Rule& rule) {
  ChartAnnotations out;
  for (const auto& [key, value] : rule.annotations) {
    if (key == kChartKey) {
      out.chart = value;
    } else if (key == kQueryKey) {
      out.query = value;
    } else if (key == kGroupKey) {
      out.groupBy = value;
    } else if (key == kThresholdQueryKey) {
      out.thresholdQuery = value;
    } else if (key == kTitleKey) {
      out.title = value;
    } else if (key == kThresholdKey) {
      rules::ThresholdParse parsed = rules::parseThreshold(value);
      if (!parsed.threshold) {
        return annotationError(rule, key, parsed.error);
      }
      out.threshold = parsed.threshold;
    } else if (key == kUnitKey) {
      out.unit = parseUnitName(value);
      if (!out.unit) {
        return annotationError(rule, key,
                               "unknown unit \"" + value +
                                   "\" (expected seconds, ratio, count "
                                   "or none)");
      }
    } else if (key.starts_with(kPrefix)) {
      // A misspelt key would silently leave the chart as it was.
      return annotationError(rule, key,
                             "unknown dashboard annotation (expected " + knownKeys() + ")");
    }
  }
  if (out.threshold && !out.thresholdQuery.empty()) {
    return annotationError(rule, kThresholdKey,
                           std::string("a chart has one threshold: give this or ") +
                               kThresholdQueryKey + ", not both");
  }
  return out;
}

}  // namespace nova::dashboard::detail
