// Series refused by the store's limit are visible: /status per target, /metrics, one log
// line per burst, and the rules reading them unknown with the reason.
#include <doctest/doctest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <sstream>

#include "fakes.h"
#include "nova/daemon/controller.h"
#include "nova/watch/policy_setup.h"

namespace nova::daemon {
namespace {

constexpr std::string_view kRules = R"(
rules:
  - name: error_rate_high
    expr: sum(rate(errors_total[1m])) / sum(rate(requests_total[1m]))
    threshold: "> 0.05"
    severity: high
    summary: "error rate {{ $value }}"
)";

// Captures the default logger's lines for the test's lifetime.
class LogCapture {
 public:
  LogCapture() : previous_(spdlog::default_logger()) {
    auto logger = std::make_shared<spdlog::logger>(
        "capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(out_));
    logger->set_level(spdlog::level::trace);
    spdlog::set_default_logger(logger);
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;
  std::string text() {
    spdlog::default_logger()->flush();
    return out_.str();
  }

 private:
  std::shared_ptr<spdlog::logger> previous_;
  std::ostringstream out_;
};

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

// A scrape event as the prober reports it.
scrape::ProbeEvent scrapeEvent(TimestampMs at, std::size_t refused, std::uint64_t total) {
  scrape::ProbeEvent event;
  event.kind = scrape::ProbeEvent::Kind::kScrape;
  event.ok = true;
  event.at = at;
  event.series = 3;
  event.refusedTotal = total;
  if (refused > 0) {
    event.refused.series = refused;
    event.refused.names = {"errors_total"};
  }
  return event;
}

}  // namespace

TEST_CASE("refused series: /status per target, /metrics, one log line per burst, rule unknown") {
  ManualClock clock{0};
  tsdb::Storage storage(tsdb::Limits{.maxSeries = 3});
  AgentMetrics metrics{"test"};
  ActionQueue queue(64, clock);
  auto ruleSet = rules::load(kRules, "test.yaml");
  REQUIRE(ruleSet.ok());
  auto policy = watch::effectivePolicy(*ruleSet, std::nullopt);
  REQUIRE(policy.ok());
  auto escalator = watch::makeEscalator(*ruleSet, *policy, 0, std::nullopt);
  REQUIRE(escalator.ok());
  Controller controller(std::move(ruleSet).value(), std::move(escalator).value(), storage, clock,
                        queue, metrics);
  LogCapture log;
  double requests = 0;
  for (TimestampMs t = 0; t < 10 * kSecond; t += kSecond) {
    requests += 10;
    storage.append(*storage.getOrCreate({{"__name__", "requests_total"}}), t, requests);
    storage.append(*storage.getOrCreate({{"__name__", "errors_total"}, {"route", "/"}}), t, 0);
    // Refusals from 3 s to 6 s: one burst.
    const bool refusing = t >= 3 * kSecond && t <= 6 * kSecond;
    controller.observe(scrapeEvent(t, refusing ? 2 : 0, t >= 3 * kSecond ? 2 : 0));
    controller.tickAt(t);
    if (t == 5 * kSecond) {
      const auto status = boost::json::parse(controller.statusJson());
      const auto& series = status.at("target").at("series");
      CHECK(series.at("stored").to_number<int>() == 3);
      CHECK(series.at("refused").to_number<int>() == 2);
      CHECK(series.at("refused_total").to_number<int>() == 2);
      CHECK(series.at("limit").to_number<int>() == 3);
      CHECK(series.at("refused_metrics").as_array().size() == 1);
      const auto& rule = status.at("rules").as_array().at(0);
      CHECK(rule.at("state").as_string() == "unknown");
      CHECK(std::string(rule.at("reason").as_string())
                .starts_with("no data: the store's series limit refused series of errors_total"));
      const std::string text = metrics.serialize();
      CHECK(text.find("nova_agent_series_refused_total 2") != std::string::npos);
      CHECK(text.find("nova_agent_scrape_series_refused 2") != std::string::npos);
      CHECK(text.find("nova_agent_tsdb_series_limit 3") != std::string::npos);
    }
  }
  const std::string lines = log.text();
  CHECK(count(lines, "series limit: the store (3 series at most) refused 2 series") == 1);
  CHECK(count(lines, "every series of the scrape stored again after 4 scrapes") == 1);
  const auto status = boost::json::parse(controller.statusJson());
  CHECK(status.at("target").at("series").at("refused").to_number<int>() == 0);
  CHECK(status.at("rules").as_array().at(0).at("state").as_string() == "ok");
}

}  // namespace nova::daemon
