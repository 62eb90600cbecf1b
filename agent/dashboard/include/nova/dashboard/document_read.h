#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "nova/core/result.h"
#include "nova/dashboard/chart_data.h"

namespace nova::dashboard {

/// The charts of a data document (buildDocument's schema, version 1) read back, for
/// programs that draw them elsewhere (the incident report).
struct ChartDocument {
  TimestampMs generatedAt = 0;
  /// The incident's id, "" when the document has none.
  std::string incidentId;
  std::vector<ChartData> charts;
  std::vector<Marker> markers;
};

/// Bounds on what parseChartDocument accepts, so a hostile or broken agent cannot make the
/// reader allocate without limit.
struct ChartDocumentLimits {
  std::size_t maxBytes = std::size_t{4} << 20;
  std::size_t maxCharts = 32;
  std::size_t maxSeries = 64;
  std::size_t maxPoints = 10'000;
  std::size_t maxMarkers = 500;
};

/// Parses the charts, markers and incident id of a data document; null values read as
/// NaN. Everything else in the document is ignored. Errors (kInvalidInput) name the field
/// at fault ("charts[2].series[0].values: 299 values for an axis of 300 points"): not
/// JSON, another version, a missing or mistyped field, a series whose length is not the
/// axis's, an unknown unit or marker kind, a bound of `limits` passed. Pure.
Result<ChartDocument> parseChartDocument(std::string_view text,
                                         const ChartDocumentLimits& limits = {});

}  // namespace nova::dashboard
