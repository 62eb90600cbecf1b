#include "nova/core/rfc3339.h"

#include <chrono>
#include <cstdio>

namespace nova {
namespace {

using namespace std::chrono;

// Reads `width` digits at `pos`; -1 when any is not a digit or the text ends.
int digits(std::string_view text, std::size_t pos, std::size_t width) {
  if (pos + width > text.size()) {
    return -1;
  }
  int value = 0;
  for (std::size_t i = pos; i < pos + width; ++i) {
    if (text[i] < '0' || text[i] > '9') {
      return -1;
    }
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

Error bad(std::string_view text, std::size_t column, std::string_view what) {
  return Error(ErrorCode::kInvalidInput, "time \"" + std::string(text) + "\": column " +
                                             std::to_string(column + 1) + ": " + std::string(what));
}

}  // namespace

std::string formatRfc3339(TimestampMs t, SubSecond precision) {
  const sys_time<milliseconds> point{milliseconds(t)};
  const auto day = floor<days>(point);
  const year_month_day date{day};
  const hh_mm_ss<milliseconds> time{point - day};
  char out[48];
  const int year = static_cast<int>(date.year());
  const auto month = static_cast<unsigned>(date.month());
  const auto dayOfMonth = static_cast<unsigned>(date.day());
  const auto h = static_cast<int>(time.hours().count());
  const auto m = static_cast<int>(time.minutes().count());
  const auto s = static_cast<int>(time.seconds().count());
  const auto ms = static_cast<int>(time.subseconds().count());
  int n = std::snprintf(out, sizeof out, "%04d-%02u-%02uT%02d:%02d:%02d", year, month, dayOfMonth,
                        h, m, s);
  switch (precision) {
    case SubSecond::kNone:
      break;
    case SubSecond::kMillis:
      n += std::snprintf(out + n, sizeof out - static_cast<std::size_t>(n), ".%03d", ms);
      break;
    case SubSecond::kMicros:
      n += std::snprintf(out + n, sizeof out - static_cast<std::size_t>(n), ".%03d000", ms);
      break;
  }
  return std::string(out, static_cast<std::size_t>(n)) + "Z";
}

Result<TimestampMs> parseRfc3339(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)
  const int year = digits(text, 0, 4);
  if (year < 0 || text.size() < 5 || text[4] != '-') {
    return bad(text, year < 0 ? 0 : 4, "expected YYYY-");
  }
  const int month = digits(text, 5, 2);
  if (month < 0 || text.size() < 8 || text[7] != '-') {
    return bad(text, 5, "expected MM-");
  }
  const int day = digits(text, 8, 2);
  if (day < 0) {
    return bad(text, 8, "expected DD");
  }
  if (text.size() < 11 || (text[10] != 'T' && text[10] != 't' && text[10] != ' ')) {
    return bad(text, 10, "expected 'T'");
  }
  const int hour = digits(text, 11, 2);
  const int minute = digits(text, 14, 2);
  const int second = digits(text, 17, 2);
  if (hour < 0 || text.size() < 14 || text[13] != ':' || minute < 0 || text.size() < 17 ||
      text[16] != ':' || second < 0) {
    return bad(text, 11, "expected HH:MM:SS");
  }
  const year_month_day date{std::chrono::year(year), std::chrono::month(unsigned(month)),
                            std::chrono::day(unsigned(day))};
  if (!date.ok()) {
    return bad(text, 0, "no such date");
  }
  if (hour > 23 || minute > 59 || second > 60) {
    return bad(text, 11, "time of day out of range");
  }
  std::size_t pos = 19;
  int millis = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    const std::size_t start = pos;
    int scale = 100;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      millis += (text[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) {
      return bad(text, pos, "expected fraction digits");
    }
  }
  int offsetMinutes = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const int sign = text[pos] == '+' ? 1 : -1;
    const int oh = digits(text, pos + 1, 2);
    const int om = digits(text, pos + 4, 2);
    if (oh < 0 || pos + 3 >= text.size() || text[pos + 3] != ':' || om < 0 || oh > 23 || om > 59) {
      return bad(text, pos, "expected an offset +HH:MM");
    }
    offsetMinutes = sign * (oh * 60 + om);
    pos += 6;
  } else {
    return bad(text, pos, "expected 'Z' or an offset");
  }
  if (pos != text.size()) {
    return bad(text, pos, "unexpected text after the time");
  }
  const auto secondsOfDay = hour * 3600 + minute * 60 + std::min(second, 59);
  const TimestampMs dayMs = sys_days(date).time_since_epoch().count() * 86400LL * 1000LL;
  return dayMs + secondsOfDay * 1000LL + millis - offsetMinutes * 60LL * 1000LL;
}

}  // namespace nova
