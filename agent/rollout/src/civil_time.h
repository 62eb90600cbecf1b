#pragma once

#include <date/tz.h>

#include <array>
#include <string>
#include <string_view>

#include "nova/core/time.h"
#include "nova/rollout/window.h"

namespace nova::rollout::detail {

inline constexpr std::array<std::string_view, 7> kDayNames{
    "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
inline constexpr std::array<std::string_view, 7> kShortDayNames{"Sun", "Mon", "Tue", "Wed",
                                                                "Thu", "Fri", "Sat"};

/// The local calendar day that wall time `t` falls on in `zone`.
date::local_days localDayOf(const date::time_zone* zone, TimestampMs t);

/// The wall time of `minute` minutes after local midnight of `day` in `zone`; a local time
/// skipped by a DST change maps to the instant of the change, a repeated one to its first
/// occurrence.
TimestampMs toWall(const date::time_zone* zone, date::local_days day, int minute);

CivilDate civilOf(date::local_days day);

/// "HH:MM" for minutes after midnight (1440 prints as 24:00).
std::string formatMinuteOfDay(int minute);

/// "Tue 2026-12-08 02:00 UTC", or with the zone's abbreviation and the UTC time
/// ("Tue 2026-12-08 02:00 CET (01:00 UTC)").
std::string formatInZone(const date::time_zone* zone, TimestampMs t);

/// A duration for people, to the minute ("3d22h", "45m"); seconds only under a minute.
std::string roughDuration(DurationMs d);

}  // namespace nova::rollout::detail
