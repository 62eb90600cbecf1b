#include "nova/dashboard/document.h"

#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <chrono>

#include "rule_fixture.h"
#include "synthetic_store.h"

namespace nova::dashboard {
namespace {

namespace json = boost::json;

constexpr TimestampMs kStart = 1'700'000'000'000;

DocumentInputs inputsAt(TimestampMs now) {
  using policy::EventKind;
  DocumentInputs in;
  in.now = now;
  in.rollout = {"r-42", "v1.2.4", "v1.2.3", "monitoring"};
  in.traffic = {"green", "nginx upstream: green", kStart};
  policy::Incident incident;
  incident.id = "1700000000000-1";
  incident.severity = Severity::kHigh;
  incident.current = Severity::kHigh;
  incident.state = policy::IncidentState::kInvestigating;
  incident.startedAt = now - 48'000;
  incident.rules.push_back({"error_rate_high", Severity::kHigh, true, 0.15, "error rate 15%"});
  in.incident = incident;
  in.nextStep = NextStep{policy::Action::kRollback, now + 192'000, "unless it recovers"};
  for (int i = 0; i < 80; ++i) {
    in.timeline.push_back(
        {kStart + i * 1000, EventKind::kRulePending, "r", "event " + std::to_string(i)});
  }
  in.commands.push_back({now - 1000, "alice", "hold", false, "wrong token"});
  in.markers = markersFrom(in.timeline, kStart);
  in.commandsEnabled = true;
  return in;
}

}  // namespace

TEST_CASE("the document carries the schema's fields, bounded, and is cheap to build") {
  tsdb::Storage storage;
  test::SyntheticStore store(storage);
  test::Faults faults;
  faults.errorsFrom = kStart + 10 * kMinute;
  faults.errorsTo = kStart + 16 * kMinute;
  store.fill(kStart, kStart + 15 * kMinute, faults);
  const auto set = test::defaultRules();
  const auto specs = chartSpecs(set);
  REQUIRE(specs.ok());
  const TimestampMs now = kStart + 15 * kMinute - kSecond;
  DocumentInputs in = inputsAt(now);
  const promql::Engine engine;
  in.rules = ruleViews(set, rules::evaluateRules(set, engine, storage, now), in.timeline);
  CollectOptions options;
  options.end = now;

  std::string text;
  constexpr int kRounds = 5;
  const auto began = std::chrono::steady_clock::now();
  for (int i = 0; i < kRounds; ++i) {
    text = buildDashboardDocument(*specs, engine, storage, options, in);
  }
  const auto perDocument =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - began) / kRounds;
  MESSAGE("document for 15 min of 1 s data, 2 pods, 4 charts: " << perDocument.count() << " ms, "
                                                                << text.size() << " bytes");
  CHECK(text.size() < 60'000);
  // The same at the output step (3 s): a third of the evaluations.
  CollectOptions coarse = options;
  coarse.resolution = 3 * kSecond;
  const auto coarseBegan = std::chrono::steady_clock::now();
  for (int i = 0; i < kRounds; ++i) {
    buildDashboardDocument(*specs, engine, storage, coarse, in);
  }
  MESSAGE("... evaluated at the 3 s output step: "
          << (std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() -
                                                        coarseBegan) /
              kRounds)
                 .count()
          << " ms");

  const json::object doc = json::parse(text).as_object();
  CHECK(doc.at("version").as_int64() == 1);
  CHECK(doc.at("generated_at").as_int64() == now);
  CHECK(doc.at("rollout").at("id").as_string() == "r-42");
  CHECK(doc.at("rollout").at("blue_version").as_string() == "v1.2.3");
  CHECK(doc.at("traffic").at("backend").as_string() == "green");
  CHECK(doc.at("commands_enabled").as_bool());
  CHECK(doc.at("timeline").as_array().size() == 50);
  CHECK(doc.at("timeline").as_array().back().at("detail").as_string() == "event 79");
  CHECK(doc.at("commands").as_array()[0].at("who").as_string() == "alice");
  CHECK(doc.at("markers").as_array()[0].at("kind").as_string() == "switch");

  const json::object& incident = doc.at("incident").as_object();
  CHECK(incident.at("state").as_string() == "investigating");
  CHECK(incident.at("next_step").at("action").as_string() == "rollback");
  CHECK(incident.at("next_step").at("due_in_ms").as_int64() == 192'000);
  CHECK(incident.at("rules").as_array()[0].at("value").as_double() == 0.15);

  const json::array& rules = doc.at("rules").as_array();
  REQUIRE(rules.size() == set.rules.size());
  bool sawLatency = false;
  for (const json::value& r : rules) {
    CHECK(r.at("value_text").is_string());
    if (r.at("name").as_string() == "latency_p95") {
      sawLatency = true;
      // The rule judges the share within 200 ms, and its value reads as that share: pod
      // b's answers at 250 ms during the fault are half the traffic.
      CHECK(r.at("unit").as_string() == "ratio");
      CHECK(r.at("threshold_text").as_string() == "< 95 %");
      CHECK(r.at("value").as_double() == 0.5);
      CHECK(r.at("value_text").as_string() == "50 %");
      CHECK(r.at("state").as_string() == "pending");
    }
    if (r.at("name").as_string() == "error_rate_high") {
      CHECK(r.at("state").as_string() == "pending");  // breaching; no firing event given
      CHECK(r.at("value_text").as_string() == "15 %");
    }
  }
  CHECK(sawLatency);

  const json::array& charts = doc.at("charts").as_array();
  REQUIRE(charts.size() == 4);
  // The latency chart shows p95 against 200 ms, shaded where the rule's share breaches.
  const json::object& latency = charts[0].as_object();
  CHECK(latency.at("id").as_string() == "latency");
  CHECK(latency.at("unit").as_string() == "seconds");
  CHECK(latency.at("threshold").at("op").as_string() == ">");
  CHECK(latency.at("threshold").at("value").as_double() == 0.2);
  CHECK(latency.at("threshold").at("text").as_string() == "> 200 ms");
  CHECK(latency.at("rule").as_string() == "latency_p95");
  REQUIRE(latency.at("breaches").as_array().size() == 1);
  CHECK(latency.at("breaches").as_array()[0].at("from").as_int64() ==
        faults.errorsFrom + 5 * kSecond);
  const json::object& errors = charts[1].as_object();
  CHECK(errors.at("id").as_string() == "errors");
  CHECK(errors.at("unit").as_string() == "ratio");
  CHECK(errors.at("axis").at("count").as_int64() == 300);
  CHECK(errors.at("threshold").at("text").as_string() == "> 0.1 %");
  CHECK(errors.at("series").as_array().size() == 3);
  CHECK(errors.at("series").as_array()[0].at("values").as_array().size() == 300);
  CHECK(errors.at("breaches").as_array().size() == 1);
  CHECK(charts[2].at("unit").as_string() == "count");
  CHECK(charts[2].at("threshold").is_null());
  CHECK(charts[2].at("threshold_line").at("values").as_array().size() == 300);
  CHECK(charts[2].at("threshold_line").at("values").as_array().back().as_int64() == 96);
  CHECK(charts[3].at("unit").as_string() == "seconds");
  CHECK(charts[3].at("threshold").at("text").as_string() == "> 100 ms");
}

TEST_CASE("an empty store gives a document without values, not an error") {
  tsdb::Storage storage;
  const auto specs = chartSpecs(test::defaultRules());
  REQUIRE(specs.ok());
  CollectOptions options;
  options.end = kStart;
  DocumentInputs in;
  in.now = kStart;
  const std::string text = buildDashboardDocument(*specs, promql::Engine(), storage, options, in);
  const json::object doc = json::parse(text).as_object();
  CHECK(doc.at("incident").is_null());
  CHECK(doc.at("hold").is_null());
  for (const json::value& c : doc.at("charts").as_array()) {
    CHECK(c.at("series").as_array().empty());
    CHECK(c.at("error").as_string() == "");
  }
}

}  // namespace nova::dashboard
