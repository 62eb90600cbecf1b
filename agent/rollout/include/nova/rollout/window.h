#pragma once

#include <array>
#include <compare>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nova/core/result.h"
#include "nova/core/time.h"

namespace date {
class time_zone;
}  // namespace date

namespace nova::rollout {

/// A calendar date in the window's time zone.
struct CivilDate {
  int year = 1970;
  int month = 1;  ///< 1-12
  int day = 1;    ///< 1-31

  /// "2026-12-24".
  std::string toString() const;
  friend auto operator<=>(const CivilDate&, const CivilDate&) = default;
};

/// A day on which no rollout starts, with its name for the refusal ("Christmas Eve").
struct Holiday {
  CivilDate date;
  std::string name;
};

/// Parses a holiday file: one date per line as "YYYY-MM-DD", optionally followed by a name;
/// blank lines and lines starting with '#' are skipped. Errors (kInvalidInput) give
/// "file:line:col: ..." for the first bad line (an impossible date such as 2026-02-30
/// included). Pure: `fileName` is only used in messages.
Result<std::vector<Holiday>> parseHolidays(std::string_view text, std::string_view fileName);

/// When rollouts may start, in one IANA time zone. The defaults are the runbook's:
/// Tuesday to Thursday, 02:00-04:00 UTC, never on a holiday or the last day of a month.
struct WindowConfig {
  /// Allowed days, indexed Sunday = 0 ... Saturday = 6 (weekends are denied by leaving
  /// them out).
  std::array<bool, 7> days{false, false, true, true, true, false, false};
  /// Opening and closing time of day, in minutes after local midnight. The window is
  /// [start, end); an end at or before the start closes on the next day (22:00-02:00). A
  /// window belongs to the day it opens on, for the day, holiday and month-end rules.
  int startMinute = 2 * 60;
  int endMinute = 4 * 60;
  /// IANA time zone name ("UTC", "Europe/Berlin"), from the system's zoneinfo.
  std::string timeZone = "UTC";
  std::vector<Holiday> holidays;
  /// The last N days of every month are denied (the runbook's "end-of-month"); 0 for none.
  int denyLastDaysOfMonth = 1;
};

/// The answer to "may a rollout of this expected duration start now?".
struct WindowVerdict {
  bool allowed = false;
  /// Why: "inside the window ... until 04:00 UTC" or the refusal ("Saturday is not a
  /// deployment day; ..."), always with the next opening when refused.
  std::string reason;
  /// Allowed: when the current window closes.
  TimestampMs closes = 0;
  /// Refused: when the next window that fits the expected duration opens; nullopt when
  /// none does within 400 days (the duration is longer than any window).
  std::optional<TimestampMs> nextOpen;
};

/// The deployment window. Local times that a DST change skips count from the moment the
/// clocks jump (a 02:00 opening on a spring-forward night opens at 03:00 local time);
/// repeated local times count at their first occurrence. Immutable and thread-safe.
class Window {
 public:
  /// Validates the configuration: a known time zone (with a did-you-mean hint), minutes in
  /// 0..1440, start != end, at least one day, denyLastDaysOfMonth in 0..27. Errors are
  /// kInvalidInput.
  static Result<Window> create(WindowConfig config);

  /// Whether a rollout expected to take `expectedDuration` may start at wall time `now`: the
  /// current window must be open and must stay open that long. Pure.
  WindowVerdict verdict(TimestampMs now, DurationMs expectedDuration) const;

  /// "Tue-Thu 02:00-04:00 UTC, not on holidays or the last day of the month".
  std::string describe() const;

  /// "Tue 2026-12-08 02:00 UTC", or "Tue 2026-12-08 02:00 CET (01:00 UTC)" outside UTC.
  std::string formatTime(TimestampMs t) const;

  const WindowConfig& config() const { return config_; }

 private:
  Window(WindowConfig config, const date::time_zone* zone)
      : config_(std::move(config)), zone_(zone) {}

  WindowConfig config_;
  const date::time_zone* zone_;  // owned by the process-wide tz database
};

/// `--outside-window "reason"`: who starts a rollout outside the window, and why. Recorded,
/// shown in the report and sent to the team channel.
struct WindowOverride {
  std::string reason;
  std::string by;
};

/// Whether to proceed, and on what grounds.
struct WindowDecision {
  bool proceed = false;
  /// True when the window refused and the override let the rollout go on.
  bool overridden = false;
  WindowVerdict verdict;
};

/// Applies an override to a verdict. An override with an empty or blank reason is refused
/// (kInvalidInput, "--outside-window needs a reason"), even inside the window, so a CI job
/// cannot carry a blank override that one day matters. Pure.
Result<WindowDecision> decideWindow(const WindowVerdict& verdict,
                                    const std::optional<WindowOverride>& override);

/// Parses "HH:MM" (00:00-24:00) into minutes after midnight.
std::optional<int> parseTimeOfDay(std::string_view text);

/// Parses a day name, case-insensitive: "mon", "monday", ... Sunday = 0.
std::optional<int> parseWeekday(std::string_view text);

}  // namespace nova::rollout
