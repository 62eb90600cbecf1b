#include "nova/rollout/window.h"

#include <doctest/doctest.h>

#include "test_time.h"

namespace nova::rollout {
namespace {

using test::at;

Window makeWindow(WindowConfig config = {}) {
  auto window = Window::create(std::move(config));
  REQUIRE_MESSAGE(window.ok(), (window.ok() ? "" : window.error().message));
  return std::move(window).value();
}

WindowConfig sundaysIn(std::string zone) {
  WindowConfig config;
  config.days = {true, false, false, false, false, false, false};
  config.timeZone = std::move(zone);
  config.denyLastDaysOfMonth = 0;
  return config;
}

TEST_CASE("Thursday 03:59 with 45m needed is refused; the next window is Tuesday's") {
  const Window window = makeWindow();
  const WindowVerdict v = window.verdict(at("2026-12-03T03:59:00Z"), 45 * kMinute);
  CHECK_FALSE(v.allowed);
  REQUIRE(v.nextOpen.has_value());
  CHECK(*v.nextOpen == at("2026-12-08T02:00:00Z"));
  CHECK(v.reason ==
        "the expected 45m does not fit: the window closes at Thu 2026-12-03 04:00 UTC, 1m from "
        "now; the next window opens Tue 2026-12-08 02:00 UTC (in 4d22h1m)");
}

TEST_CASE("inside the window with enough time left is allowed, up to the exact fit") {
  const Window window = makeWindow();
  const WindowVerdict early = window.verdict(at("2026-12-03T02:00:00Z"), 45 * kMinute);
  CHECK(early.allowed);
  CHECK(early.closes == at("2026-12-03T04:00:00Z"));
  CHECK(early.reason ==
        "inside the deployment window (Tue-Thu 02:00-04:00 UTC, not on the last day of the "
        "month); it closes at Thu 2026-12-03 04:00 UTC, 2h from now");
  CHECK(window.verdict(at("2026-12-03T03:15:00Z"), 45 * kMinute).allowed);
  CHECK_FALSE(window.verdict(at("2026-12-03T03:15:00.001Z"), 45 * kMinute).allowed);
  // The closing minute itself is outside: the window is [02:00, 04:00).
  CHECK_FALSE(window.verdict(at("2026-12-03T04:00:00Z"), 0).allowed);
}

TEST_CASE("the next window across a weekend: Friday, Saturday and Monday point to Tuesday") {
  const Window window = makeWindow();
  const WindowVerdict friday = window.verdict(at("2026-12-04T03:00:00Z"), 45 * kMinute);
  CHECK_FALSE(friday.allowed);
  CHECK(friday.reason ==
        "Friday is not a deployment day; the next window opens Tue 2026-12-08 02:00 UTC (in "
        "3d23h)");
  const WindowVerdict saturday = window.verdict(at("2026-12-05T10:00:00Z"), 45 * kMinute);
  CHECK(saturday.reason.starts_with("outside the deployment window (Tue-Thu 02:00-04:00 UTC"));
  CHECK(*saturday.nextOpen == at("2026-12-08T02:00:00Z"));
  CHECK(*window.verdict(at("2026-12-07T23:59:00Z"), 45 * kMinute).nextOpen ==
        at("2026-12-08T02:00:00Z"));
  // Before Tuesday's opening on Tuesday itself: later the same day.
  CHECK(*window.verdict(at("2026-12-08T01:00:00Z"), 45 * kMinute).nextOpen ==
        at("2026-12-08T02:00:00Z"));
}

TEST_CASE("the last day of the month is denied, also when it is a Wednesday") {
  const Window window = makeWindow();
  const WindowVerdict v = window.verdict(at("2026-09-30T02:30:00Z"), 45 * kMinute);
  CHECK_FALSE(v.allowed);
  CHECK(
      v.reason.starts_with("2026-09-30 is the last day of the month; the next window opens "
                           "Thu 2026-10-01 02:00 UTC"));
  CHECK(window.verdict(at("2026-09-29T02:30:00Z"), 45 * kMinute).allowed);

  WindowConfig lastTwo;
  lastTwo.denyLastDaysOfMonth = 2;
  const WindowVerdict tuesday =
      makeWindow(lastTwo).verdict(at("2026-09-29T02:30:00Z"), 45 * kMinute);
  CHECK(tuesday.reason.starts_with("2026-09-29 is in the last 2 days of the month"));
  WindowConfig none;
  none.denyLastDaysOfMonth = 0;
  CHECK(makeWindow(none).verdict(at("2026-09-30T02:30:00Z"), 45 * kMinute).allowed);
}

TEST_CASE("a holiday file denies its days by name") {
  auto holidays = parseHolidays(
      "# company holidays\n2026-12-24 Christmas Eve\n\n  2026-12-31 New Year's Eve  # and "
      "month end\n2027-01-05\n",
      "holidays.txt");
  REQUIRE(holidays.ok());
  REQUIRE(holidays->size() == 3);
  CHECK((*holidays)[1].name == "New Year's Eve");
  CHECK((*holidays)[2].name.empty());
  WindowConfig config;
  config.holidays = *holidays;
  const Window window = makeWindow(config);
  const WindowVerdict v = window.verdict(at("2026-12-24T02:30:00Z"), 45 * kMinute);
  CHECK_FALSE(v.allowed);
  CHECK(
      v.reason.starts_with("2026-12-24 is a holiday (Christmas Eve); the next window opens "
                           "Tue 2026-12-29 02:00 UTC"));
  // Tuesday 2027-01-05 is a holiday without a name; Wednesday follows.
  CHECK(*window.verdict(at("2027-01-05T02:30:00Z"), 0).nextOpen == at("2027-01-06T02:00:00Z"));
  CHECK(window.describe() ==
        "Tue-Thu 02:00-04:00 UTC, not on holidays, not on the last day of the month");
}

TEST_CASE("a bad holiday line is reported with file, line and column") {
  auto bad = parseHolidays("2026-12-24 ok\n  2026-02-30 impossible\n", "holidays.txt");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == ErrorCode::kInvalidInput);
  CHECK(bad.error().message == "holidays.txt:2:3: expected a date YYYY-MM-DD, got \"2026-02-30\"");
  CHECK_FALSE(parseHolidays("24.12.2026\n", "h").ok());
  CHECK_FALSE(parseHolidays("2026-1-24\n", "h").ok());
}

TEST_CASE("DST: a 02:00 opening on the spring-forward night opens at 03:00 local time") {
  // America/New_York jumps from 02:00 EST to 03:00 EDT on Sunday 2026-03-08.
  const Window window = makeWindow(sundaysIn("America/New_York"));
  // An ordinary Sunday: 02:00-04:00 EST is 07:00-09:00 UTC.
  CHECK(window.verdict(at("2026-03-01T07:20:00Z"), 45 * kMinute).allowed);
  // The DST night: 03:00-04:00 EDT is 07:00-08:00 UTC, one hour long.
  const WindowVerdict opening = window.verdict(at("2026-03-08T07:00:00Z"), 45 * kMinute);
  CHECK(opening.allowed);
  CHECK(opening.closes == at("2026-03-08T08:00:00Z"));
  const WindowVerdict late = window.verdict(at("2026-03-08T07:20:00Z"), 45 * kMinute);
  CHECK_FALSE(late.allowed);
  CHECK(late.reason ==
        "the expected 45m does not fit: the window closes at Sun 2026-03-08 04:00 EDT (08:00 "
        "UTC), 40m from now; the next window opens Sun 2026-03-15 02:00 EDT (06:00 UTC) (in "
        "6d22h40m)");
  CHECK(*late.nextOpen == at("2026-03-15T06:00:00Z"));
  // Two hours are never possible on that night, so 90m skips it entirely.
  CHECK(*window.verdict(at("2026-03-07T12:00:00Z"), 90 * kMinute).nextOpen ==
        at("2026-03-15T06:00:00Z"));
}

TEST_CASE("a European zone moves the window in UTC across the summer-time change") {
  WindowConfig config;
  config.timeZone = "Europe/Berlin";
  const Window window = makeWindow(config);
  // Tue 2026-03-24: CET, 02:00-04:00 local is 01:00-03:00 UTC.
  CHECK(window.verdict(at("2026-03-24T01:30:00Z"), 45 * kMinute).allowed);
  CHECK_FALSE(window.verdict(at("2026-03-24T00:30:00Z"), 45 * kMinute).allowed);
  // Tue 2026-04-07: CEST, 00:00-02:00 UTC.
  CHECK(window.verdict(at("2026-04-07T00:30:00Z"), 45 * kMinute).allowed);
  CHECK_FALSE(window.verdict(at("2026-04-07T01:30:00Z"), 45 * kMinute).allowed);
  CHECK(window.formatTime(at("2026-03-31T00:30:00Z")) == "Tue 2026-03-31 02:30 CEST (00:30 UTC)");
}

TEST_CASE("a window past midnight belongs to the day it opens on") {
  WindowConfig config;
  config.days = {false, false, false, false, false, true, false};  // Friday
  config.startMinute = 22 * 60;
  config.endMinute = 2 * 60;
  config.denyLastDaysOfMonth = 0;
  const Window window = makeWindow(config);
  CHECK(window.verdict(at("2026-12-04T23:00:00Z"), kHour).allowed);  // Friday night
  const WindowVerdict saturday = window.verdict(at("2026-12-05T01:00:00Z"), 30 * kMinute);
  CHECK(saturday.allowed);  // still Friday's window
  CHECK(saturday.closes == at("2026-12-05T02:00:00Z"));
  CHECK_FALSE(window.verdict(at("2026-12-05T22:30:00Z"), kHour).allowed);  // Saturday night
  CHECK(window.describe() == "Fri 22:00-02:00 UTC");
}

TEST_CASE("a duration no window can hold has no next opening") {
  const WindowVerdict v = makeWindow().verdict(at("2026-12-05T10:00:00Z"), 3 * kHour);
  CHECK_FALSE(v.allowed);
  CHECK_FALSE(v.nextOpen.has_value());
  CHECK(v.reason.ends_with("no window in the next 400 days is long enough for 3h"));
}

TEST_CASE("window configuration errors name the problem") {
  WindowConfig typo;
  typo.timeZone = "Europe/Berln";
  auto zone = Window::create(typo);
  REQUIRE_FALSE(zone.ok());
  CHECK(zone.error().code == ErrorCode::kInvalidInput);
  CHECK(zone.error().message ==
        "unknown time zone \"Europe/Berln\"; did you mean Europe/Berlin? (IANA names such as "
        "UTC, Europe/Berlin)");
  WindowConfig empty;
  empty.endMinute = empty.startMinute;
  CHECK(Window::create(empty).error().code == ErrorCode::kInvalidInput);
  WindowConfig noDays;
  noDays.days = {};
  CHECK(Window::create(noDays).error().message == "window allows no day of the week");
  WindowConfig tooMany;
  tooMany.denyLastDaysOfMonth = 28;
  CHECK_FALSE(Window::create(tooMany).ok());
}

TEST_CASE("an override needs a reason and a name, and is recorded as overriding") {
  const Window window = makeWindow();
  const WindowVerdict refused = window.verdict(at("2026-12-05T10:00:00Z"), 45 * kMinute);
  auto none = decideWindow(refused, std::nullopt);
  REQUIRE(none.ok());
  CHECK_FALSE(none->proceed);
  auto overridden = decideWindow(refused, WindowOverride{"hotfix for INC-42", "alice"});
  REQUIRE(overridden.ok());
  CHECK(overridden->proceed);
  CHECK(overridden->overridden);
  auto blank = decideWindow(refused, WindowOverride{"  ", "alice"});
  REQUIRE_FALSE(blank.ok());
  CHECK(blank.error().code == ErrorCode::kInvalidInput);
  CHECK(blank.error().message ==
        "--outside-window needs a reason: it is recorded, reported and sent to the team");
  CHECK_FALSE(decideWindow(refused, WindowOverride{"hotfix", ""}).ok());
  // Inside the window an override changes nothing but is still checked.
  const WindowVerdict open = window.verdict(at("2026-12-03T02:00:00Z"), 45 * kMinute);
  auto inside = decideWindow(open, WindowOverride{"hotfix", "alice"});
  REQUIRE(inside.ok());
  CHECK(inside->proceed);
  CHECK_FALSE(inside->overridden);
  CHECK_FALSE(decideWindow(open, WindowOverride{"", "alice"}).ok());
}

TEST_CASE("times of day and day names parse strictly") {
  CHECK(parseTimeOfDay("02:00") == 120);
  CHECK(parseTimeOfDay("24:00") == 1440);
  CHECK_FALSE(parseTimeOfDay("24:01"));
  CHECK_FALSE(parseTimeOfDay("2:00"));
  CHECK_FALSE(parseTimeOfDay("02:60"));
  CHECK(parseWeekday("Tue") == 2);
  CHECK(parseWeekday("thursday") == 4);
  CHECK(parseWeekday("SUN") == 0);
  CHECK_FALSE(parseWeekday("tues"));
}

}  // namespace
}  // namespace nova::rollout
