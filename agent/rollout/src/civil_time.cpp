#include "civil_time.h"

#include <chrono>
#include <cstdio>

#include "nova/core/text.h"

namespace nova::rollout::detail {
namespace {

using Ms = std::chrono::milliseconds;

bool isUtc(const date::time_zone* zone) {
  const std::string_view name = zone->name();
  return name == "UTC" || name == "Etc/UTC" || name == "Etc/UCT" || name == "UCT" ||
         name == "Etc/Zulu" || name == "Zulu" || name == "Universal" || name == "Etc/Universal";
}

}  // namespace

date::local_days localDayOf(const date::time_zone* zone, TimestampMs t) {
  const auto local = zone->to_local(date::sys_time<Ms>{Ms{t}});
  return date::floor<date::days>(local);
}

TimestampMs toWall(const date::time_zone* zone, date::local_days day, int minute) {
  const date::local_time<std::chrono::minutes> local = day + std::chrono::minutes{minute};
  const auto sys = zone->to_sys(local, date::choose::earliest);
  return std::chrono::duration_cast<Ms>(sys.time_since_epoch()).count();
}

CivilDate civilOf(date::local_days day) {
  const date::year_month_day ymd{day};
  return CivilDate{static_cast<int>(ymd.year()),
                   static_cast<int>(static_cast<unsigned>(ymd.month())),
                   static_cast<int>(static_cast<unsigned>(ymd.day()))};
}

std::string formatMinuteOfDay(int minute) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%02d:%02d", minute / 60, minute % 60);
  return buffer;
}

std::string formatInZone(const date::time_zone* zone, TimestampMs t) {
  const date::sys_time<Ms> sys{Ms{t}};
  const auto local = zone->to_local(sys);
  const date::local_days day = date::floor<date::days>(local);
  const int minute =
      static_cast<int>(std::chrono::duration_cast<std::chrono::minutes>(local - day).count());
  const std::string text = std::string(kShortDayNames[date::weekday{day}.c_encoding()]) + " " +
                           civilOf(day).toString() + " " + formatMinuteOfDay(minute);
  if (isUtc(zone)) {
    return text + " UTC";
  }
  const auto utcDay = date::floor<date::days>(sys);
  const int utcMinute =
      static_cast<int>(std::chrono::duration_cast<std::chrono::minutes>(sys - utcDay).count());
  return text + " " + zone->get_info(date::floor<std::chrono::seconds>(sys)).abbrev + " (" +
         formatMinuteOfDay(utcMinute) + " UTC)";
}

std::string roughDuration(DurationMs d) {
  if (d < kMinute) {
    return formatDuration(d < 0 ? 0 : d / kSecond * kSecond);
  }
  return formatDuration(d / kMinute * kMinute);
}

}  // namespace nova::rollout::detail

namespace nova::rollout {

std::string CivilDate::toString() const {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", year, month, day);
  return buffer;
}

std::optional<int> parseTimeOfDay(std::string_view text) {
  if (text.size() != 5 || text[2] != ':') {
    return std::nullopt;
  }
  auto digits = [&](std::size_t at) -> int {
    const char a = text[at];
    const char b = text[at + 1];
    if (a < '0' || a > '9' || b < '0' || b > '9') {
      return -1;
    }
    return (a - '0') * 10 + (b - '0');
  };
  const int hour = digits(0);
  const int minute = digits(3);
  if (hour < 0 || minute < 0 || minute > 59 || hour > 24 || (hour == 24 && minute != 0)) {
    return std::nullopt;
  }
  return hour * 60 + minute;
}

std::optional<int> parseWeekday(std::string_view text) {
  const std::string lower = toLowerAscii(text);
  for (int d = 0; d < 7; ++d) {
    const std::string full = toLowerAscii(detail::kDayNames[static_cast<std::size_t>(d)]);
    if (lower == full || lower == full.substr(0, 3)) {
      return d;
    }
  }
  return std::nullopt;
}

}  // namespace nova::rollout
