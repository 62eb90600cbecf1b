#pragma once

#include <string>

#include "nova/promql/value.h"

namespace nova::cli {

/// The `data` object of Prometheus's /api/v1/query answer, byte for byte as Prometheus
/// writes it: `{"resultType":"vector","result":[{"metric":{...},"value":[1700000000.5,"1"]}]}`.
/// Timestamps are seconds with millisecond decimals; values are Go's shortest 'f' format,
/// "NaN", "+Inf" or "-Inf".
std::string formatQueryJson(const promql::Value& value);

/// A human-readable table: one line per series, `labels  value` (or the scalar/string).
std::string formatQueryTable(const promql::Value& value);

/// A sample value as Prometheus's API prints it (strconv.FormatFloat(v, 'f', -1, 64)).
std::string formatSampleValue(double v);

/// A timestamp in milliseconds as Prometheus's API prints it (seconds, up to 3 decimals).
std::string formatApiTimestamp(TimestampMs t);

}  // namespace nova::cli
