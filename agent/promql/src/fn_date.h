#pragma once

#include <cstdint>
#include <string_view>

namespace nova::promql::detail {

/// One field of the UTC calendar date and time of a Unix time in seconds.
using DateField = double (*)(std::int64_t unixSeconds);

/// day_of_month, day_of_week, day_of_year, days_in_month, hour, minute, month, year: the
/// field the function called `name` returns, or nullptr. Dates are proleptic Gregorian in
/// UTC as Go's time package computes them, for any 64-bit second.
DateField findDateFunction(std::string_view name);

/// The whole seconds of a sample value the way Go converts float64 to int64 on amd64
/// (toward zero; NaN and values out of range become the smallest int64), which Prometheus
/// does before taking the date.
std::int64_t goSecondsOf(double v);

}  // namespace nova::promql::detail
