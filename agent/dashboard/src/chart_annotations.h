#pragma once

// A rule's `dashboard_*` annotations, read and checked once: what its chart plots, in which
// unit, against which threshold.

#include <optional>
#include <string>
#include <string_view>

#include "nova/core/result.h"
#include "nova/dashboard/units.h"
#include "nova/rules/rule.h"

namespace nova::dashboard::detail {

inline constexpr const char* kChartKey = "dashboard_chart";
inline constexpr const char* kQueryKey = "dashboard_query";
inline constexpr const char* kGroupKey = "dashboard_group_by";
inline constexpr const char* kThresholdKey = "dashboard_threshold";
inline constexpr const char* kThresholdQueryKey = "dashboard_threshold_query";
inline constexpr const char* kUnitKey = "dashboard_unit";
inline constexpr const char* kTitleKey = "dashboard_title";

/// The annotations as given; empty strings and nullopt where absent.
struct ChartAnnotations {
  std::string chart;
  std::string query;
  std::string groupBy;
  std::optional<rules::Threshold> threshold;
  std::string thresholdQuery;
  std::optional<Unit> unit;
  std::string title;
};

/// Reads `rule`'s dashboard annotations. Errors (kInvalidInput, named by annotationError):
/// an unknown `dashboard_*` key, a threshold or unit that does not parse, both a constant
/// and a moving threshold. Queries are parsed later, with the chart.
Result<ChartAnnotations> readChartAnnotations(const rules::Rule& rule);

/// "rule <name>: annotation <key>: <message>", kInvalidInput.
Error annotationError(const rules::Rule& rule, std::string_view key, const std::string& message);

}  // namespace nova::dashboard::detail
