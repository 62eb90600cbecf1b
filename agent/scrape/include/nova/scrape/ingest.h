#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "nova/core/labels.h"
#include "nova/core/result.h"
#include "nova/core/time.h"
#include "nova/expo/parser.h"
#include "nova/tsdb/scrape_appender.h"

namespace nova::scrape {

/// The metric names a scrape keeps; samples of other names are parsed (a bad line still fails
/// the scrape) and counted but not stored. The agent keeps only what some rule can select,
/// which Prometheus, storing everything for ad-hoc queries, cannot do.
class MetricNameFilter {
 public:
  explicit MetricNameFilter(std::vector<std::string> names);
  bool keeps(std::string_view name) const;
  const std::vector<std::string>& names() const { return names_; }

 private:
  std::vector<std::string> names_;  // sorted, unique
};

/// What one scrape produced, for the synthetic series and the agent's own metrics.
struct ScrapeOutcome {
  bool up = false;
  std::size_t samples = 0;
  DurationMs duration = 0;
};

/// Parses an exposition body and appends every sample at `t` through `appender`, with
/// `targetLabels` (job, instance, ...) added to each series. A scraped label that collides
/// with a target label is kept as `exported_<name>`, as Prometheus does with
/// honor_labels: false. Any invalid line fails the whole scrape, as in Prometheus: nothing
/// is appended, the previous scrape's series go stale, and the error names line and column.
/// With `keep`, only samples whose metric name it keeps are stored. Returns the number of
/// samples in the body (Prometheus's scrape_samples_scraped), stored or not.
Result<std::size_t> ingestExposition(std::string_view body, tsdb::ScrapeAppender& appender,
                                     TimestampMs t, const Labels& targetLabels,
                                     const expo::ParseLimits& limits = {},
                                     const MetricNameFilter* keep = nullptr);

/// Writes Prometheus's per-target synthetic series at `t`: `up`, `scrape_duration_seconds`
/// and `scrape_samples_scraped`, each with `targetLabels`.
void appendScrapeSeries(tsdb::ScrapeAppender& appender, TimestampMs t, const Labels& targetLabels,
                        const ScrapeOutcome& outcome);

}  // namespace nova::scrape
