// Green's error rate for the staged rollback, from green's own /metrics: two readings of
// its request and error counters.
#include <cmath>

#include "nova/expo/parser.h"
#include "nova/rollout/rollback.h"

namespace nova::rollout {

Result<std::pair<double, double>> parseRequestCounters(std::string_view exposition,
                                                       std::string_view requestsMetric,
                                                       std::string_view errorsMetric) {
  expo::Parser parser(exposition);
  expo::SampleView sample;
  double requests = 0;
  double errors = 0;
  bool requestsSeen = false;
  while (parser.next(sample)) {
    if (!std::isfinite(sample.value)) {
      continue;
    }
    if (sample.name == requestsMetric) {
      requests += sample.value;
      requestsSeen = true;
    } else if (sample.name == errorsMetric) {
      errors += sample.value;
    }
  }
  if (parser.error()) {
    return Error(ErrorCode::kInvalidInput, "green's /metrics: " + parser.error()->toString());
  }
  if (!requestsSeen) {
    return Error(ErrorCode::kNotFound,
                 "green's /metrics has no " + std::string(requestsMetric) + " series");
  }
  return std::pair{requests, errors};
}

std::optional<double> errorRateBetween(double requestsBefore, double errorsBefore,
                                       double requestsAfter, double errorsAfter,
                                       std::int64_t minRequests) {
  // A counter that went down was reset (green restarted): count from 0 as Prometheus does.
  const double requests =
      requestsAfter >= requestsBefore ? requestsAfter - requestsBefore : requestsAfter;
  const double errors = errorsAfter >= errorsBefore ? errorsAfter - errorsBefore : errorsAfter;
  if (requests <= 0 || requests < static_cast<double>(minRequests)) {
    return std::nullopt;
  }
  return std::min(1.0, errors / requests);
}

}  // namespace nova::rollout
