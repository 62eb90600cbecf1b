#include "incident_chart_keeper.h"

#include <doctest/doctest.h>

#include "nova/testing/temp_dir.h"

namespace nova::daemon::detail {
namespace {

constexpr TimestampMs kSwitch = 1'764'900'000'000;  // 2025-12-05T02:00:00Z

policy::Incident incidentIn(policy::IncidentState state) {
  policy::Incident incident;
  incident.id = std::to_string(kSwitch) + "-1";
  incident.state = state;
  incident.startedAt = kSwitch + 3 * kMinute;
  return incident;
}

// Records the ranges it was asked to build, and builds a document naming the range.
struct Builds {
  IncidentChartKeeper::Build build() {
    return [this](const dashboard::ChartRange& r) {
      ranges.push_back(r);
      return "{\"from\":" + std::to_string(r.from) + ",\"to\":" + std::to_string(r.to) + "}";
    };
  }
  std::vector<dashboard::ChartRange> ranges;
};

IncidentChartKeeper::Moment at(TimestampMs now, policy::IncidentState state) {
  return {incidentIn(state), kSwitch, std::nullopt, now};
}

}  // namespace

TEST_CASE("a rolled-back incident's charts are saved at once and again after the margin") {
  IncidentCharts charts("");
  AgentMetrics metrics("1.2.3");
  IncidentChartKeeper keeper(charts, &metrics);
  Builds builds;
  const TimestampMs back = kSwitch + 8 * kMinute;
  // Nothing while there is no incident or it is not rolled back.
  CHECK_FALSE(keeper.step({std::nullopt, kSwitch, std::nullopt, back}, builds.build()));
  CHECK_FALSE(keeper.step(at(back - kMinute, policy::IncidentState::kRollingBack), builds.build()));
  CHECK(builds.ranges.empty());

  // Rolled back: saved at once, from the switch to now.
  auto first = keeper.step(at(back, policy::IncidentState::kRolledBack), builds.build());
  REQUIRE(first.has_value());
  CHECK(*first == dashboard::ChartRange{kSwitch, back});
  CHECK(charts.load(incidentIn(policy::IncidentState::kRolledBack).id).value() ==
        "{\"from\":" + std::to_string(kSwitch) + ",\"to\":" + std::to_string(back) + "}");
  // Not again until the margin has passed; then once, with the recovery.
  CHECK_FALSE(keeper.step(at(back + kMinute, policy::IncidentState::kRolledBack), builds.build()));
  auto second = keeper.step(
      at(back + dashboard::kMarginAfterRollback + kSecond, policy::IncidentState::kRolledBack),
      builds.build());
  REQUIRE(second.has_value());
  CHECK(*second == dashboard::ChartRange{kSwitch, back + dashboard::kMarginAfterRollback});
  CHECK_FALSE(keeper.step(at(back + kHour, policy::IncidentState::kRolledBack), builds.build()));
  CHECK(builds.ranges.size() == 2);
  CHECK(metrics.serialize().find("nova_agent_incident_charts_total{result=\"saved\"} 2") !=
        std::string::npos);
}

TEST_CASE("a restarted agent keeps the charts it saved before the restart") {
  nova::testing::TempDir dir("nova-chart-keeper");
  const TimestampMs back = kSwitch + 8 * kMinute;
  {
    IncidentCharts charts(dir.path());
    IncidentChartKeeper keeper(charts);
    Builds builds;
    REQUIRE(keeper.step(at(back, policy::IncidentState::kRolledBack), builds.build()));
  }
  // After the restart, the incident is restored rolled back but the store is new: the
  // saved document stays as it was, now and after the margin.
  IncidentCharts charts(dir.path());
  IncidentChartKeeper keeper(charts);
  Builds builds;
  CHECK_FALSE(keeper.step(at(back + kHour, policy::IncidentState::kRolledBack), builds.build()));
  CHECK_FALSE(
      keeper.step(at(back + 2 * kHour, policy::IncidentState::kRolledBack), builds.build()));
  CHECK(builds.ranges.empty());
  CHECK(charts.load(incidentIn(policy::IncidentState::kRolledBack).id).value() ==
        "{\"from\":" + std::to_string(kSwitch) + ",\"to\":" + std::to_string(back) + "}");
}

TEST_CASE("a document that cannot be saved is logged, not counted as saved") {
  IncidentCharts charts("");
  AgentMetrics metrics("1.2.3");
  IncidentChartKeeper keeper(charts, &metrics);
  auto huge = [](const dashboard::ChartRange&) {
    return std::string(IncidentCharts::kMaxBytes + 1, ' ');
  };
  CHECK_FALSE(keeper.step(at(kSwitch + kMinute, policy::IncidentState::kRolledBack), huge));
  CHECK_FALSE(charts.has(incidentIn(policy::IncidentState::kRolledBack).id));
  CHECK(metrics.serialize().find("nova_agent_incident_charts_total{result=\"failed\"} 1") !=
        std::string::npos);
}

}  // namespace nova::daemon::detail
