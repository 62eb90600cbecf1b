#include "nova/scrape/ingest.h"

#include <algorithm>
#include <string>
#include <vector>

namespace nova::scrape {
namespace {

Labels buildLabels(const expo::SampleView& sample, const Labels& targetLabels) {
  std::vector<Label> labels;
  labels.reserve(sample.labels.size() + targetLabels.size() + 1);
  labels.push_back({std::string(kMetricNameLabel), std::string(sample.name)});
  for (const expo::LabelView& label : sample.labels) {
    std::string name(label.name);
    if (targetLabels.has(name)) {
      name.insert(0, "exported_");
    }
    labels.push_back({std::move(name), std::string(label.value)});
  }
  for (const LabelRef label : targetLabels) {
    labels.push_back(Label(label));
  }
  return Labels::fromUnsorted(labels);
}

}  // namespace

MetricNameFilter::MetricNameFilter(std::vector<std::string> names) : names_(std::move(names)) {
  std::sort(names_.begin(), names_.end());
  names_.erase(std::unique(names_.begin(), names_.end()), names_.end());
}

bool MetricNameFilter::keeps(std::string_view name) const {
  return std::binary_search(names_.begin(), names_.end(), name, std::less<>());
}

Result<std::size_t> ingestExposition(std::string_view body, tsdb::ScrapeAppender& appender,
                                     TimestampMs t, const Labels& targetLabels,
                                     const expo::ParseLimits& limits,
                                     const MetricNameFilter* keep) {
  expo::Parser parser(body, limits);
  expo::SampleView sample;
  std::size_t scraped = 0;
  // The samples of a family come one after another: the filter's verdict is asked once per
  // run of one name, not per sample.
  std::string lastName;
  bool lastKept = true;
  appender.begin(t);
  while (parser.next(sample)) {
    ++scraped;
    if (keep != nullptr) {
      if (scraped == 1 || sample.name != lastName) {
        lastName.assign(sample.name);
        lastKept = keep->keeps(sample.name);
      }
      if (!lastKept) {
        continue;
      }
    }
    const auto makeLabels = [&] { return buildLabels(sample, targetLabels); };
    // A sample the store refuses (over its limits) is counted there; the scrape goes on.
    (void)(sample.timestamp
               ? appender.add(sample.series, makeLabels, sample.value, *sample.timestamp)
               : appender.add(sample.series, makeLabels, sample.value));
  }
  if (const auto& error = parser.error()) {
    appender.failed(t);
    return Error(ErrorCode::kInvalidInput, "invalid exposition at " + error->toString());
  }
  appender.commit();
  return scraped;
}

void appendScrapeSeries(tsdb::ScrapeAppender& appender, TimestampMs t, const Labels& targetLabels,
                        const ScrapeOutcome& outcome) {
  const auto write = [&](std::string_view name, double v) {
    // A refused synthetic series is already counted by the Storage; nothing more to do.
    (void)appender.appendSynthetic(LabelsBuilder(targetLabels).set(kMetricNameLabel, name).build(),
                                   t, v);
  };
  write("up", outcome.up ? 1 : 0);
  write("scrape_duration_seconds", static_cast<double>(outcome.duration) / 1000.0);
  write("scrape_samples_scraped", static_cast<double>(outcome.samples));
}

}  // namespace nova::scrape
