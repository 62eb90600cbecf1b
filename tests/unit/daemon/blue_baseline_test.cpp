// The daemon's side of the baseline without a live blue: the state, reason and metrics an
// agent shows when blue was never scraped, and when `baseline:` is not configured. (The
// real agent scraping a real blue is the integration test agent_baseline_test.cpp.)
#include "blue_baseline.h"

#include <doctest/doctest.h>

#include <boost/json.hpp>

#include "nova/core/clock.h"
#include "nova/testing/temp_dir.h"

namespace nova::daemon::detail {
namespace {

namespace json = boost::json;

TEST_CASE("a blue never scraped before the switch: none, said on /status and /metrics") {
  ManualClock clock(10 * kMinute);
  const Timeline timeline(clock);
  BaselineConfig config;
  config.urls = {"http://127.0.0.1:1"};  // nothing listens; no scrape is driven here anyway
  tsdb::Storage rules;
  AgentMetrics metrics("test");
  BlueBaseline blue(config, rules, timeline, metrics);

  blue.tick(std::nullopt, 10 * kMinute);  // in shadow: nothing is frozen
  CHECK(blue.keeper().state() == watch::BaselineState::kWaiting);
  CHECK(metrics.serialize().find("nova_agent_baseline_state{state=\"waiting\"} 1") !=
        std::string::npos);

  blue.tick(10 * kMinute, 10 * kMinute);
  CHECK(blue.keeper().state() == watch::BaselineState::kNone);
  const json::value status = json::parse(blue.statusJson());
  CHECK(status.at("state") == "none");
  CHECK(status.at("reason") ==
        "blue was not scraped in the 10m before the switch (at 1970-01-01T00:10:00.000Z)");
  CHECK(status.at("values").as_object().empty());
  REQUIRE(status.at("targets").as_array().size() == 1);
  CHECK(status.at("targets").at(0).at("instance") == "127.0.0.1:1");
  CHECK(status.at("targets").at(0).at("up") == false);
  const std::string exposed = metrics.serialize();
  CHECK(exposed.find("nova_agent_baseline_state{state=\"none\"} 1") != std::string::npos);
  CHECK(exposed.find("baseline:nova_http_requests:rate ") == std::string::npos);
  CHECK(rules.seriesWithName("baseline:nova_http_requests:rate").empty());
}

TEST_CASE("an agent without baseline: says none and why") {
  const json::value status = json::parse(unconfiguredBaselineJson());
  CHECK(status.at("state") == "none");
  CHECK(status.at("reason") == "blue is not configured (baseline: in the agent config)");
}

TEST_CASE("a baseline kept on disk before a restart is used for its switch; a bad one is not") {
  const testing::TempDir dir("nova-blue-baseline");
  ManualClock clock(10 * kMinute);
  const Timeline timeline(clock);
  BaselineConfig config;
  config.urls = {"http://127.0.0.1:1"};
  tsdb::Storage rules;
  AgentMetrics metrics("test");

  SUBCASE("its record: frozen with its values, though blue was never scraped") {
    dir.write("baseline.json", watch::formatBaselineRecord(
                                   {.switchedAt = 5 * kMinute,
                                    .window = 10 * kMinute,
                                    .values = {{"baseline:nova_http_requests:rate", 42.5}}}));
    BlueBaseline blue(config, rules, timeline, metrics, dir.file("baseline.json"));
    blue.tick(5 * kMinute, 10 * kMinute);
    CHECK(blue.keeper().state() == watch::BaselineState::kFrozen);
    CHECK(blue.keeper().restored());
    const json::value status = json::parse(blue.statusJson());
    CHECK(status.at("values").at("baseline:nova_http_requests:rate") == 42.5);
    CHECK(rules.seriesWithName("baseline:nova_http_requests:rate").size() == 1);
  }
  SUBCASE("a damaged record: ignored, and blue's store decides (nothing here)") {
    dir.write("baseline.json", "{\"switched_at_ms\":");
    BlueBaseline blue(config, rules, timeline, metrics, dir.file("baseline.json"));
    blue.tick(5 * kMinute, 10 * kMinute);
    CHECK(blue.keeper().state() == watch::BaselineState::kNone);
    CHECK_FALSE(blue.keeper().restored());
  }
}

}  // namespace
}  // namespace nova::daemon::detail
