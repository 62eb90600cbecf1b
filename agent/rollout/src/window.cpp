#include "nova/rollout/window.h"

#include <date/tz.h>

#include <algorithm>
#include <chrono>
#include <vector>

#include "civil_time.h"
#include "nova/core/suggest.h"
#include "nova/core/text.h"

namespace nova::rollout {
namespace {

// How far ahead the next opening is searched: a year and some, so a yearly holiday list
// or a long duration cannot make the search run forever.
constexpr int kHorizonDays = 400;

struct Span {
  TimestampMs opens = 0;
  TimestampMs closes = 0;
};

Span windowOn(const date::time_zone* zone, const WindowConfig& config, date::local_days day) {
  const date::local_days closeDay =
      config.endMinute <= config.startMinute ? day + date::days{1} : day;
  return Span{detail::toWall(zone, day, config.startMinute),
              detail::toWall(zone, closeDay, config.endMinute)};
}

// Why no window opens on `day`, or "" when one does.
std::string deniedBecause(const WindowConfig& config, date::local_days day) {
  const date::year_month_day ymd{day};
  const unsigned weekday = date::weekday{day}.c_encoding();
  if (!config.days[weekday]) {
    return std::string(detail::kDayNames[weekday]) + " is not a deployment day";
  }
  const CivilDate civil = detail::civilOf(day);
  for (const Holiday& holiday : config.holidays) {
    if (holiday.date == civil) {
      return civil.toString() + " is a holiday" +
             (holiday.name.empty() ? "" : " (" + holiday.name + ")");
    }
  }
  if (config.denyLastDaysOfMonth > 0) {
    const int last = static_cast<int>(static_cast<unsigned>(
        date::year_month_day_last{ymd.year(), date::month_day_last{ymd.month()}}.day()));
    if (civil.day > last - config.denyLastDaysOfMonth) {
      return civil.toString() +
             (config.denyLastDaysOfMonth == 1
                  ? std::string(" is the last day of the month")
                  : " is in the last " + std::to_string(config.denyLastDaysOfMonth) +
                        " days of the month");
    }
  }
  return "";
}

}  // namespace

Result<Window> Window::create(WindowConfig config) {
  const date::time_zone* zone = nullptr;
  try {
    zone = date::locate_zone(config.timeZone);
  } catch (const std::exception&) {
    std::vector<std::string_view> names;
    const auto& db = date::get_tzdb();
    for (const auto& z : db.zones) {
      names.push_back(z.name());
    }
    std::string message = "unknown time zone \"" + config.timeZone + "\"";
    if (auto hint = closestMatch(config.timeZone, names)) {
      message += "; did you mean " + *hint + "?";
    }
    return Error(ErrorCode::kInvalidInput, message + " (IANA names such as UTC, Europe/Berlin)");
  }
  if (config.startMinute < 0 || config.startMinute > 24 * 60 || config.endMinute < 0 ||
      config.endMinute > 24 * 60) {
    return Error(ErrorCode::kInvalidInput, "window hours must be between 00:00 and 24:00");
  }
  if (config.startMinute % (24 * 60) == config.endMinute % (24 * 60)) {
    return Error(ErrorCode::kInvalidInput, "window start and end are the same time of day");
  }
  if (std::none_of(config.days.begin(), config.days.end(), [](bool d) { return d; })) {
    return Error(ErrorCode::kInvalidInput, "window allows no day of the week");
  }
  if (config.denyLastDaysOfMonth < 0 || config.denyLastDaysOfMonth > 27) {
    return Error(ErrorCode::kInvalidInput, "deny_last_days_of_month must be between 0 and 27");
  }
  return Window(std::move(config), zone);
}

WindowVerdict Window::verdict(TimestampMs now, DurationMs expectedDuration) const {
  WindowVerdict out;
  const date::local_days today = detail::localDayOf(zone_, now);
  std::optional<date::local_days> current;
  for (const date::local_days day : {today - date::days{1}, today}) {
    const Span span = windowOn(zone_, config_, day);
    if (span.opens <= now && now < span.closes) {
      current = day;
    }
  }
  std::string refusal;
  if (current && deniedBecause(config_, *current).empty()) {
    const TimestampMs closes = windowOn(zone_, config_, *current).closes;
    if (closes - now >= expectedDuration) {
      out.allowed = true;
      out.closes = closes;
      out.reason = "inside the deployment window (" + describe() + "); it closes at " +
                   formatTime(closes) + ", " + detail::roughDuration(closes - now) + " from now";
      return out;
    }
    refusal = "the expected " + detail::roughDuration(expectedDuration) +
              " does not fit: the window closes at " + formatTime(closes) + ", " +
              detail::roughDuration(closes - now) + " from now";
  } else if (current) {
    refusal = deniedBecause(config_, *current);
  } else {
    refusal = "outside the deployment window (" + describe() + ")";
  }
  for (int i = 0; i <= kHorizonDays && !out.nextOpen; ++i) {
    const date::local_days day = today + date::days{i};
    const Span span = windowOn(zone_, config_, day);
    if (span.opens > now && span.closes - span.opens >= expectedDuration &&
        deniedBecause(config_, day).empty()) {
      out.nextOpen = span.opens;
    }
  }
  if (out.nextOpen) {
    out.reason = refusal + "; the next window opens " + formatTime(*out.nextOpen) + " (in " +
                 detail::roughDuration(*out.nextOpen - now) + ")";
  } else {
    out.reason = refusal + "; no window in the next " + std::to_string(kHorizonDays) +
                 " days is long enough for " + detail::roughDuration(expectedDuration);
  }
  return out;
}

std::string Window::describe() const {
  std::string days;
  for (int d = 0; d < 7;) {
    if (!config_.days[static_cast<std::size_t>(d)]) {
      ++d;
      continue;
    }
    int end = d;
    while (end + 1 < 7 && config_.days[static_cast<std::size_t>(end + 1)]) {
      ++end;
    }
    days += (days.empty() ? "" : ", ") + std::string(detail::kShortDayNames[d]);
    if (end > d) {
      days += (end == d + 1 ? ", " : "-") + std::string(detail::kShortDayNames[end]);
    }
    d = end + 1;
  }
  std::string text = days + " " + detail::formatMinuteOfDay(config_.startMinute) + "-" +
                     detail::formatMinuteOfDay(config_.endMinute) + " " + config_.timeZone;
  if (!config_.holidays.empty()) {
    text += ", not on holidays";
  }
  if (config_.denyLastDaysOfMonth == 1) {
    text += ", not on the last day of the month";
  } else if (config_.denyLastDaysOfMonth > 1) {
    text +=
        ", not in the last " + std::to_string(config_.denyLastDaysOfMonth) + " days of the month";
  }
  return text;
}

std::string Window::formatTime(TimestampMs t) const {
  return detail::formatInZone(zone_, t);
}

Result<WindowDecision> decideWindow(const WindowVerdict& verdict,
                                    const std::optional<WindowOverride>& override) {
  if (!override) {
    return WindowDecision{verdict.allowed, false, verdict};
  }
  if (trim(override->reason).empty()) {
    return Error(ErrorCode::kInvalidInput,
                 "--outside-window needs a reason: it is recorded, reported and sent to the team");
  }
  if (trim(override->by).empty()) {
    return Error(ErrorCode::kInvalidInput, "--outside-window needs to know who overrides");
  }
  return WindowDecision{true, !verdict.allowed, verdict};
}

}  // namespace nova::rollout
