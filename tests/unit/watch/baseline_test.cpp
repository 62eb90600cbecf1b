// Blue's baseline: summarized from blue's own store at the switch, frozen, written into
// the rules' store as plain series while it is kept, and none when blue was not seen.
#include "nova/watch/baseline.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "nova/core/sample.h"
#include "nova/promql/engine.h"
#include "nova/promql/parser.h"
#include "nova/promql/series_notation.h"
#include "nova/tsdb/scrape_appender.h"

namespace nova::watch {
namespace {

constexpr DurationMs kStep = 10 * kSecond;
// The tests write blue's whole history at once; the agent's store holds the window then.
const tsdb::Limits kKeepAll{.retention = 0};

// Writes the series (promqltest notation) as scrapes every 10s from t = 0.
void scrapeInto(tsdb::Storage& storage, const std::vector<std::string>& lines) {
  std::vector<promql::SeriesLine> series;
  std::size_t longest = 0;
  for (const auto& text : lines) {
    auto line = promql::parseSeriesLine(text);
    REQUIRE(line.ok());
    longest = std::max(longest, line->values.size());
    series.push_back(std::move(*line));
  }
  tsdb::ScrapeAppender appender(storage);
  for (std::size_t i = 0; i < longest; ++i) {
    appender.begin(static_cast<TimestampMs>(i) * kStep);
    for (const auto& line : series) {
      if (i < line.values.size() && line.values[i] && !isStaleNaN(*line.values[i])) {
        appender.add(
            line.labels.toString(), [&] { return line.labels; }, *line.values[i]);
      }
    }
    appender.commit();
  }
}

double valueOf(const Baseline& baseline, std::string_view name) {
  for (const auto& v : baseline.values) {
    if (v.name == name) {
      return v.value;
    }
  }
  FAIL("no value " << name);
  return 0;
}

bool has(const Baseline& baseline, std::string_view name) {
  for (const auto& v : baseline.values) {
    if (v.name == name) {
      return true;
    }
  }
  return false;
}

// The instant value of `query` over `storage` at `t`; nullopt when it has no sample.
std::optional<double> query(const tsdb::Storage& storage, const std::string& text, TimestampMs t) {
  auto parsed = promql::parse(text);
  REQUIRE(parsed.ok());
  auto value = promql::Engine().instant(parsed.expr(), storage, t);
  REQUIRE(value.ok());
  const auto& vector = std::get<promql::Vector>(*value);
  if (vector.empty()) {
    return std::nullopt;
  }
  return vector.front().v;
}

TEST_CASE("the summary of blue over the window before the switch, of two pods summed") {
  tsdb::Storage blue(kKeepAll);
  // 20 minutes of scrapes: 60 req/s on each pod, 3% errors, 400 and 100 connections; the
  // switch at 15m, after which blue serves nothing (its later samples must not count).
  scrapeInto(blue, {
                       "nova_http_requests_total{pod=\"a\"} 0+600x90 54000x30",
                       "nova_http_requests_total{pod=\"b\"} 0+600x90 54000x30",
                       "nova_http_errors_total{pod=\"a\"} 0+18x90 1620x30",
                       "nova_http_errors_total{pod=\"b\"} 0+18x90 1620x30",
                       "nova_streaming_websocket_connections{pod=\"a\"} 400x120",
                       "nova_streaming_websocket_connections{pod=\"b\"} 100x120",
                   });
  auto baseline = summarizeBlue(blue, 15 * kMinute, 10 * kMinute);
  REQUIRE(baseline.ok());
  CHECK(baseline->switchedAt == 15 * kMinute);
  CHECK(baseline->window == 10 * kMinute);
  CHECK(valueOf(*baseline, "baseline:nova_http_requests:rate") == doctest::Approx(120));
  CHECK(valueOf(*baseline, "baseline:nova_http_error_ratio:rate") == doctest::Approx(0.03));
  CHECK(valueOf(*baseline, "baseline:nova_streaming_websocket_connections:avg") ==
        doctest::Approx(500));
  // No latency histogram on blue: that summary is missing, the others stand.
  CHECK_FALSE(has(*baseline, "baseline:nova_http_requests_within_200ms:ratio"));
}

TEST_CASE("blue scraped for less than the window: the rates cover what was scraped") {
  tsdb::Storage blue(kKeepAll);
  // First scraped 3 minutes before the switch at 3m: 100 req/s, not 30 over 10 minutes.
  scrapeInto(blue, {"nova_http_requests_total 0+1000x18"});
  auto baseline = summarizeBlue(blue, 3 * kMinute, 10 * kMinute);
  REQUIRE(baseline.ok());
  CHECK(baseline->window == 3 * kMinute);
  CHECK(valueOf(*baseline, "baseline:nova_http_requests:rate") == doctest::Approx(100));
}

TEST_CASE("no baseline without a scrape of blue before the switch") {
  tsdb::Storage blue(kKeepAll);
  SUBCASE("blue never scraped") {}
  SUBCASE("blue first scraped at the switch (the agent started after it)") {
    scrapeInto(blue, {"nova_http_requests_total _x120 5000x10"});
  }
  SUBCASE("blue gone long before the switch") {
    scrapeInto(blue, {"nova_http_requests_total 0+1000x10"});  // until 1m40s; switch at 20m
  }
  auto baseline = summarizeBlue(blue, 20 * kMinute, 10 * kMinute);
  REQUIRE_FALSE(baseline.ok());
  CHECK(baseline.error().code == ErrorCode::kNotFound);
  CHECK(baseline.error().message ==
        "blue was not scraped in the 10m before the switch (at 1970-01-01T00:20:00.000Z)");
}

TEST_CASE("the keeper freezes at the switch, writes the series while kept, then lets them go") {
  tsdb::Storage blue(kKeepAll);
  scrapeInto(blue, {"nova_http_requests_total 0+1000x120"});  // 100 req/s for 20 minutes
  tsdb::Storage rules;
  tsdb::ScrapeAppender appender(rules);
  BaselineKeeper keeper({10 * kMinute, 30 * kMinute});
  const TimestampMs switchAt = 10 * kMinute;

  // Before the switch: waiting, no series.
  CHECK_FALSE(keeper.step(&blue, switchAt, switchAt - kStep));
  keeper.write(appender, switchAt - kStep);
  CHECK(keeper.state() == BaselineState::kWaiting);
  CHECK_FALSE(query(rules, "baseline:nova_http_requests:rate", switchAt - kStep));

  // At the switch: frozen, logged once, written.
  const auto line = keeper.step(&blue, switchAt, switchAt);
  REQUIRE(line);
  INFO(*line);
  CHECK(
      line->starts_with("baseline: frozen at the switch (1970-01-01T00:10:00.000Z) from "
                        "blue's last 10m: baseline:nova_http_requests:rate=100"));
  keeper.write(appender, switchAt);
  CHECK(keeper.state() == BaselineState::kFrozen);
  CHECK(query(rules, "baseline:nova_http_requests:rate", switchAt) == doctest::Approx(100));

  // Later steps keep the frozen value, whatever blue does after the switch.
  CHECK_FALSE(keeper.step(&blue, switchAt, switchAt + 5 * kMinute));
  keeper.write(appender, switchAt + 5 * kMinute);
  CHECK(query(rules, "baseline:nova_http_requests:rate", switchAt + 5 * kMinute) ==
        doctest::Approx(100));
  const std::string status = keeper.statusJson();
  CHECK(status.find("\"state\":\"frozen\"") != std::string::npos);
  INFO(status);
  CHECK(status.find("\"summarized_seconds\":6E2") != std::string::npos);
  CHECK(status.find("\"expires_at\":\"1970-01-01T00:40:00.000Z\"") != std::string::npos);
  CHECK(status.find("\"baseline:nova_http_requests:rate\":1") != std::string::npos);

  // After `keep`: expired, stale at once (not 5 minutes of lookback).
  const auto expired = keeper.step(&blue, switchAt, switchAt + 30 * kMinute);
  REQUIRE(expired);
  CHECK(*expired ==
        "baseline: expired 30m after the switch; the rules judge green by its own history");
  keeper.write(appender, switchAt + 30 * kMinute);
  CHECK(keeper.state() == BaselineState::kExpired);
  CHECK_FALSE(query(rules, "baseline:nova_http_requests:rate", switchAt + 30 * kMinute));
}

TEST_CASE("a keeper without blue, or without a switch time, has no baseline and says why") {
  BaselineKeeper keeper;
  CHECK_FALSE(keeper.step(nullptr, std::nullopt, kHour));
  CHECK(keeper.state() == BaselineState::kWaiting);
  const auto line = keeper.step(nullptr, 0, kHour);
  REQUIRE(line);
  CHECK(keeper.state() == BaselineState::kNone);
  CHECK(keeper.reason() == "blue is not configured (baseline: in the agent config)");
  CHECK(keeper.statusJson().find("\"state\":\"none\"") != std::string::npos);
}

TEST_CASE("a later switch starts the baseline over") {
  tsdb::Storage blue(kKeepAll);
  scrapeInto(blue, {"nova_http_requests_total 0+1000x60 60000+500x60"});  // 100, then 50 req/s
  BaselineKeeper keeper({5 * kMinute, kHour});
  REQUIRE(keeper.step(&blue, 5 * kMinute, 5 * kMinute));
  REQUIRE(keeper.baseline());
  CHECK(keeper.baseline()->values.front().value == doctest::Approx(100));
  const auto line = keeper.step(&blue, 20 * kMinute, 20 * kMinute);
  REQUIRE(line);
  INFO(*line);
  REQUIRE(keeper.baseline());
  CHECK(keeper.baseline()->switchedAt == 20 * kMinute);
  CHECK(keeper.baseline()->values.front().value == doctest::Approx(50));
}

TEST_CASE("the record of a frozen baseline reads back as the same doubles") {
  Baseline frozen{.switchedAt = 1'700'000'000'123,
                  .window = 7 * kMinute,
                  .values = {{"baseline:nova_http_requests:rate", 0.1 + 0.2},
                             {"baseline:nova_http_error_ratio:rate", 1e-300},
                             {"baseline:nova_streaming_websocket_connections:avg", 1234.0}}};
  const std::string text = formatBaselineRecord(frozen);
  INFO(text);
  auto back = parseBaselineRecord(text);
  REQUIRE(back.ok());
  CHECK(back->switchedAt == frozen.switchedAt);
  CHECK(back->window == frozen.window);
  REQUIRE(back->values.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(back->values[i].name == frozen.values[i].name);
    CHECK(back->values[i].value == frozen.values[i].value);  // bit for bit, not approximately
  }
}

TEST_CASE("a record that is not one is refused, naming what is wrong") {
  const auto refused = [](std::string_view text) {
    auto r = parseBaselineRecord(text);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::kInvalidInput);
    return r.error().message;
  };
  CHECK(refused("{\"switched_at_ms\":1,").starts_with("baseline record: not JSON: "));
  CHECK(refused("[]") == "baseline record: not a JSON object");
  CHECK(refused(R"({"switched_at_ms":1.5,"window_ms":0,"values":{}})") ==
        "baseline record: switched_at_ms and window_ms must be whole milliseconds");
  CHECK(refused(R"({"switched_at_ms":1,"window_ms":60000})") ==
        "baseline record: values must be an object");
  CHECK(refused(R"({"switched_at_ms":1,"window_ms":60000,"values":{"a":1}})") ==
        "baseline record: the value of a is not a finite number as text");
  CHECK(refused(R"({"switched_at_ms":1,"window_ms":60000,"values":{"a":"inf"}})") ==
        "baseline record: the value of a is not a finite number as text");
  CHECK(refused(R"({"switched_at_ms":1,"window_ms":60000,"values":{"a":"1x"}})") ==
        "baseline record: the value of a is not a finite number as text");
}

TEST_CASE("a baseline read back after a restart is adopted for its own switch only") {
  const TimestampMs switchAt = 10 * kMinute;
  const Baseline frozen{.switchedAt = switchAt,
                        .window = 10 * kMinute,
                        .values = {{"baseline:nova_http_requests:rate", 100}}};
  tsdb::Storage emptyBlue(kKeepAll);  // restarted after the switch: blue's window is gone

  SUBCASE("its switch: adopted, though blue has nothing, and written like a frozen one") {
    BaselineKeeper keeper({10 * kMinute, kHour});
    keeper.offer(frozen);
    // Before the rollout is known (no switch time yet), the offer waits.
    CHECK_FALSE(keeper.step(&emptyBlue, std::nullopt, switchAt + kMinute));
    const auto line = keeper.step(&emptyBlue, switchAt, switchAt + kMinute);
    REQUIRE(line);
    CHECK(*line ==
          "baseline: restored, as frozen at the switch (1970-01-01T00:10:00.000Z) from blue's "
          "last 10m: baseline:nova_http_requests:rate=100");
    CHECK(keeper.state() == BaselineState::kFrozen);
    CHECK(keeper.restored());
    tsdb::Storage rules;
    tsdb::ScrapeAppender appender(rules);
    keeper.write(appender, switchAt + kMinute);
    CHECK(query(rules, "baseline:nova_http_requests:rate", switchAt + kMinute) == 100);
    // It expires like one frozen by this process.
    REQUIRE(keeper.step(&emptyBlue, switchAt, switchAt + kHour));
    CHECK(keeper.state() == BaselineState::kExpired);
  }
  SUBCASE("another rollout's switch: forgotten, and blue summarized as usual") {
    BaselineKeeper keeper({10 * kMinute, kHour});
    keeper.offer(frozen);
    const auto line = keeper.step(&emptyBlue, switchAt + kHour, switchAt + kHour);
    REQUIRE(line);
    CHECK(keeper.state() == BaselineState::kNone);
    CHECK_FALSE(keeper.restored());
    // Coming back to the first switch does not bring the forgotten record back.
    keeper.step(&emptyBlue, switchAt, switchAt + 2 * kHour);
    CHECK(keeper.state() == BaselineState::kNone);
  }
}

}  // namespace
}  // namespace nova::watch
