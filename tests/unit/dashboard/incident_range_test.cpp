#include "nova/dashboard/incident_range.h"

#include <doctest/doctest.h>

namespace nova::dashboard {
namespace {

constexpr TimestampMs kSwitch = 1'764'900'000'000;  // 2025-12-05T02:00:00Z

IncidentMoments moments() {
  IncidentMoments m;
  m.switchedAt = kSwitch;
  m.openedAt = kSwitch + 3 * kMinute;
  m.rolledBackAt = kSwitch + 9 * kMinute;
  m.oldestStored = kSwitch - kMinute;
  m.now = kSwitch + 20 * kMinute;
  return m;
}

}  // namespace

TEST_CASE("an incident's charts run from the switch to the rollback plus the margin") {
  CHECK(incidentChartRange(moments()) == ChartRange{kSwitch, kSwitch + 11 * kMinute});
}

TEST_CASE("a switch the store no longer holds gives way to a lead before the incident") {
  IncidentMoments m = moments();
  m.oldestStored = kSwitch + kMinute;
  m.openedAt = kSwitch + 8 * kMinute;
  CHECK(incidentChartRange(m) == ChartRange{kSwitch + 3 * kMinute, kSwitch + 11 * kMinute});
  // The lead stops at the store's oldest moment.
  m.openedAt = kSwitch + 4 * kMinute;
  CHECK(incidentChartRange(m).from == kSwitch + kMinute);
  // Unknown switch: the lead as well.
  m.switchedAt.reset();
  m.oldestStored.reset();
  CHECK(incidentChartRange(m).from == kSwitch - kMinute);
}

TEST_CASE("the charts end at now when the margin has not passed yet") {
  IncidentMoments m = moments();
  m.now = m.rolledBackAt + 30 * kSecond;
  CHECK(incidentChartRange(m).to == m.rolledBackAt + 30 * kSecond);
  // A clock that reads before the rollback (stepped back) still ends at the rollback.
  m.now = m.rolledBackAt - kMinute;
  CHECK(incidentChartRange(m).to == m.rolledBackAt);
}

TEST_CASE("a switch after the incident opened (a clock step) is not the start") {
  IncidentMoments m = moments();
  m.switchedAt = m.openedAt + kMinute;
  m.oldestStored.reset();
  CHECK(incidentChartRange(m).from == m.openedAt - kLeadBeforeIncident);
}

TEST_CASE("the window is at most two hours and at least a minute") {
  IncidentMoments m = moments();
  m.oldestStored.reset();
  m.switchedAt = kSwitch - 5 * kHour;
  const ChartRange longest = incidentChartRange(m);
  CHECK(longest.to - longest.from == kMaxIncidentWindow);
  CHECK(longest.to == kSwitch + 11 * kMinute);

  // Switch, breach and rollback in the same second, read at once.
  m.switchedAt = kSwitch;
  m.openedAt = m.rolledBackAt = m.now = kSwitch;
  const ChartRange shortest = incidentChartRange(m);
  CHECK(shortest == ChartRange{kSwitch - kMinute, kSwitch});
  // Where the store begins at the switch, the start cannot move back past it.
  m.oldestStored = kSwitch;
  CHECK(incidentChartRange(m) == ChartRange{kSwitch, kSwitch});
}

}  // namespace nova::dashboard

namespace nova::dashboard {

TEST_CASE("a range asked of the dashboard is checked against now and the store") {
  const TimestampMs now = kSwitch + 30 * kMinute;
  const std::optional<TimestampMs> oldest = now - 15 * kMinute;
  auto fine = checkChartRange({now - 10 * kMinute, now}, now, oldest);
  REQUIRE(fine.ok());
  CHECK(*fine == ChartRange{now - 10 * kMinute, now});
  // Partly before the store: the start moves up to what it holds.
  CHECK(checkChartRange({now - 40 * kMinute, now - 5 * kMinute}, now, oldest).value() ==
        ChartRange{now - 15 * kMinute, now - 5 * kMinute});
  // A store that keeps everything: as asked.
  CHECK(checkChartRange({kSwitch - kHour, kSwitch}, now, std::nullopt).value() ==
        ChartRange{kSwitch - kHour, kSwitch});

  auto refused = [&](ChartRange asked) {
    auto r = checkChartRange(asked, now, oldest);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::kInvalidInput);
    return r.error().message;
  };
  CHECK(refused({now, now}) == "from must be before to");
  CHECK(refused({now, now - kMinute}) == "from must be before to");
  CHECK(refused({now - 3 * kHour, now}) == "the range is longer than 2h");
  CHECK(refused({now, now + 2 * kMinute}) == "to is in the future (now is 2025-12-05T02:30:00Z)");
  CHECK(refused({kSwitch - kHour, kSwitch}) == "the store holds data from 2025-12-05T02:15:00Z on");
}

}  // namespace nova::dashboard
