// The materializing convenience over the streaming parser, and the small printers.

#include <string>

#include "nova/expo/parser.h"

namespace nova::expo {

std::string_view toString(MetricType type) {
  switch (type) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
    case MetricType::kSummary:
      return "summary";
    case MetricType::kUntyped:
      break;
  }
  return "untyped";
}

std::string ParseError::toString() const {
  return std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

Result<std::vector<ParsedSample>> parseAll(std::string_view body, ParseLimits limits) {
  Parser parser(body, limits);
  std::vector<ParsedSample> samples;
  std::vector<LabelRef> labels;  // views into the body, copied once into each set
  SampleView view;
  while (parser.next(view)) {
    labels.clear();
    labels.push_back({kMetricNameLabel, view.name});
    for (const LabelView& label : view.labels) {
      labels.push_back({label.name, label.value});
    }
    samples.push_back({Labels::fromViews(labels), view.value, view.timestamp, view.type});
  }
  if (parser.error()) {
    return Error(ErrorCode::kInvalidInput, parser.error()->toString());
  }
  return samples;
}

}  // namespace nova::expo
