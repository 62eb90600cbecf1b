// The calendar functions: day_of_month(), hour(), year() and the others.
#include "fn_date.h"

#include <array>
#include <cmath>
#include <limits>

namespace nova::promql::detail {
namespace {

constexpr std::int64_t kSecondsPerDay = 86400;

struct Civil {
  std::int64_t year = 0;
  int month = 0;  // 1..12
  int day = 0;    // 1..31
};

std::int64_t floorDiv(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// Days since 1970-01-01 to a proleptic Gregorian date and back (Howard Hinnant's
// algorithms, in 64-bit arithmetic).
Civil civilFromDays(std::int64_t z) {
  z += 719468;
  const std::int64_t era = floorDiv(z, 146097);
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const auto day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const auto month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return Civil{yoe + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

std::int64_t daysFromCivil(std::int64_t y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = floorDiv(y, 400);
  const std::int64_t yoe = y - era * 400;
  const std::int64_t mp = m > 2 ? m - 3 : m + 9;
  const std::int64_t doy = (153 * mp + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool isLeap(std::int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

std::int64_t daysOf(std::int64_t s) {
  return floorDiv(s, kSecondsPerDay);
}

std::int64_t secondOfDay(std::int64_t s) {
  const std::int64_t r = s % kSecondsPerDay;
  return r < 0 ? r + kSecondsPerDay : r;
}

double year(std::int64_t s) {
  return static_cast<double>(civilFromDays(daysOf(s)).year);
}

double month(std::int64_t s) {
  return civilFromDays(daysOf(s)).month;
}

double dayOfMonth(std::int64_t s) {
  return civilFromDays(daysOf(s)).day;
}

double dayOfWeek(std::int64_t s) {
  // 1970-01-01 was a Thursday; Sunday is 0.
  const std::int64_t w = (daysOf(s) + 4) % 7;
  return static_cast<double>(w < 0 ? w + 7 : w);
}

double dayOfYear(std::int64_t s) {
  const std::int64_t days = daysOf(s);
  return static_cast<double>(days - daysFromCivil(civilFromDays(days).year, 1, 1) + 1);
}

double daysInMonth(std::int64_t s) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const Civil c = civilFromDays(daysOf(s));
  return kDays[static_cast<std::size_t>(c.month - 1)] + (c.month == 2 && isLeap(c.year) ? 1 : 0);
}

double hour(std::int64_t s) {
  return static_cast<double>(secondOfDay(s) / 3600);
}

double minute(std::int64_t s) {
  return static_cast<double>(secondOfDay(s) % 3600 / 60);
}

struct Entry {
  std::string_view name;
  DateField field;
};

}  // namespace

DateField findDateFunction(std::string_view name) {
  static constexpr std::array<Entry, 8> kTable{{
      {"day_of_month", dayOfMonth},
      {"day_of_week", dayOfWeek},
      {"day_of_year", dayOfYear},
      {"days_in_month", daysInMonth},
      {"hour", hour},
      {"minute", minute},
      {"month", month},
      {"year", year},
  }};
  for (const Entry& e : kTable) {
    if (e.name == name) {
      return e.field;
    }
  }
  return nullptr;
}

std::int64_t goSecondsOf(double v) {
  // 2^63 as a double; every double below it converts exactly after truncation.
  constexpr double kLimit = 9223372036854775808.0;
  if (!(v > -kLimit && v < kLimit)) {
    return std::numeric_limits<std::int64_t>::min();
  }
  return static_cast<std::int64_t>(v);
}

}  // namespace nova::promql::detail
