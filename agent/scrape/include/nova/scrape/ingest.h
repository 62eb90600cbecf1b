#pragma once

#include <cstddef>
#include <string_view>

#include "nova/core/labels.h"
#include "nova/core/result.h"
#include "nova/core/time.h"
#include "nova/expo/parser.h"
#include "nova/tsdb/scrape_appender.h"

namespace nova::scrape {

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
/// Returns the number of samples appended.
Result<std::size_t> ingestExposition(std::string_view body, tsdb::ScrapeAppender& appender,
                                     TimestampMs t, const Labels& targetLabels,
                                     const expo::ParseLimits& limits = {});

/// Writes Prometheus's per-target synthetic series at `t`: `up`, `scrape_duration_seconds`
/// and `scrape_samples_scraped`, each with `targetLabels`.
void appendScrapeSeries(tsdb::ScrapeAppender& appender, TimestampMs t, const Labels& targetLabels,
                        const ScrapeOutcome& outcome);

}  // namespace nova::scrape
