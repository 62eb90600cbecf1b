// Snapshot and restore: a restarted agent continues exactly where it was.

#include <doctest/doctest.h>

#include "harness.h"

using namespace policy_test;
using nova::policy::PolicyConfig;

namespace {

struct Tick {
  TimestampMs at;
  std::vector<Obs> observations;
};

// Exercises pending `for` timers, an investigation window, a recovery, a second incident
// in cool-down, a hold with its expiry and the final rollback.
std::vector<Tick> longTimeline() {
  std::vector<Tick> ticks;
  for (int s = 0; s <= 40 * 60; s += 30) {
    const int m = s / 60;
    std::vector<Obs> named;
    if (m >= 1 && m < 3) {
      named.push_back({"ws_drop", kBad, 0.3});
    }
    if (m >= 2 && m < 5) {
      named.push_back({"errors_high", kBad, 0.06 + s * 1e-5});
    }
    if (m >= 20 && m < 40) {
      named.push_back({"errors_medium", kBad, 0.02});
    }
    if (m >= 22 && m < 24) {
      named.push_back({"errors_high", kUnknown, 0});
    }
    if (m >= 26) {
      named.push_back({"ws_drop", kBad, 0.5});
    }
    ticks.push_back({kSwitch + s * nova::kSecond, named});
  }
  return ticks;
}

Escalator restoreFrom(const Escalator& e, const std::vector<RuleSpec>& rules) {
  auto restored = Escalator::restore(e.snapshot(), PolicyConfig{}, rules);
  REQUIRE_MESSAGE(restored.ok(), restored.error().message);
  return std::move(restored).value();
}

}  // namespace

TEST_CASE("restore continues tick by tick as if the agent had never stopped") {
  const auto rules = seedRules();
  const auto ticks = longTimeline();

  // The uninterrupted run, with a hold placed at 27m.
  const auto drive = [&](Escalator& e, std::size_t i) {
    std::string out = toString(e.step(observe(rules, ticks[i].observations), ticks[i].at));
    if (ticks[i].at == at(27)) {
      const auto held = e.hold(at(27), at(33), "alice", "look first");
      REQUIRE_MESSAGE(held.ok(), held.error().message);
      out += toString(*held);
    }
    return out;
  };
  std::vector<std::string> reference;
  Escalator uninterrupted(PolicyConfig{}, rules, kSwitch);
  for (std::size_t i = 0; i < ticks.size(); ++i) {
    reference.push_back(drive(uninterrupted, i));
  }
  // The run must reach the interesting states, or the comparison proves little.
  REQUIRE(uninterrupted.rollbackDecided());
  const std::string all = [&] {
    std::string s;
    for (const auto& r : reference) {
      s += r;
    }
    return s;
  }();
  for (const char* kind : {"rule_pending", "investigation_ended", "incident_resolved", "hold",
                           "rollback_suppressed", "release", "rollback_decided"}) {
    CAPTURE(kind);
    CHECK(all.find(std::string(" ") + kind + " ") != std::string::npos);
  }

  // A restart after every tick.
  Escalator restarted(PolicyConfig{}, rules, kSwitch);
  for (std::size_t i = 0; i < ticks.size(); ++i) {
    restarted = restoreFrom(restarted, rules);
    CAPTURE(i);
    REQUIRE(drive(restarted, i) == reference[i]);
  }
  CHECK(restarted.snapshot() == uninterrupted.snapshot());
}

TEST_CASE("restore keeps the investigation window's clock") {
  const auto rules = seedRules();
  Escalator before(PolicyConfig{}, rules, kSwitch);
  run(before, rules,
      {{at(1), {{"ws_drop"}}, "page", {"rule_firing[ws_drop]", "incident_opened", "page"}},
       {at(4), {{"ws_drop"}}, "none", {}}});
  Escalator after = restoreFrom(before, rules);
  REQUIRE(after.incident().has_value());
  CHECK(after.incident()->id == "1700000000000-1");
  CHECK(std::string(nova::policy::toString(after.incident()->state)) == "investigating");
  run(after, rules,
      {{at(5, 59), {{"ws_drop"}}, "none", {}},
       {at(6), {{"ws_drop"}}, "rollback", {"rollback_decided"}}});
}

TEST_CASE("restore with a changed rule file drops gone rules and starts new ones clear") {
  auto rules = seedRules();
  Escalator before(PolicyConfig{}, rules, kSwitch);
  (void)before.step(observe(rules, {{"errors_high"}, {"latency_low"}}), at(0));
  rules.erase(rules.begin() + 4);  // latency_low
  rules.push_back({"db_slow", nova::Severity::kMedium, nova::kMinute});
  auto restored = Escalator::restore(before.snapshot(), PolicyConfig{}, rules);
  REQUIRE(restored.ok());
  REQUIRE(restored->incident().has_value());
  CHECK(restored->incident()->rules.empty());  // latency_low left with its rule
  const Decision decision = restored->step(observe(rules, {{"errors_high"}}), at(1));
  CHECK(joined(eventKeys(decision)) == "rule_firing[errors_high] severity_changed page");
}

TEST_CASE("restore keeps a hold's scope and the CRITICAL it already paged") {
  const auto rules = seedRules();
  Escalator before(PolicyConfig{}, rules, kSwitch);
  REQUIRE(before.hold(at(0), at(20), "alice", "planned failover", nova::Severity::kCritical).ok());
  run(before, rules,
      {{at(1),
        {{"api_down"}},
        "page",
        {"rule_firing[api_down]", "incident_opened", "rollback_suppressed", "page"}}});
  Escalator after = restoreFrom(before, rules);
  REQUIRE(after.activeHold().has_value());
  CHECK((after.activeHold()->covers == nova::Severity::kCritical));
  // Paged once: the restarted agent does not page again, and rolls back at the expiry.
  run(after, rules,
      {{at(2), {{"api_down"}}, "none", {}},
       {at(20), {{"api_down"}}, "rollback", {"release", "rollback_decided"}}});
}

TEST_CASE("a snapshot from before holds had a scope restores them as covering up to high") {
  const auto rules = seedRules();
  Escalator before(PolicyConfig{}, rules, kSwitch);
  run(before, rules,
      {{at(1), {{"ws_drop"}}, "page", {"rule_firing[ws_drop]", "incident_opened", "page"}}});
  REQUIRE(before.hold(at(2), at(20), "alice", "", nova::Severity::kCritical).ok());
  std::string json = before.snapshot();
  for (const std::string field :
       {",\"covers\":\"critical\"", ",\"criticalNoted\":false", ",\"windowCriticalNoted\":false"}) {
    const auto pos = json.find(field);
    REQUIRE(pos != std::string::npos);
    json.erase(pos, field.size());
  }
  auto restored = Escalator::restore(json, PolicyConfig{}, rules);
  REQUIRE_MESSAGE(restored.ok(), restored.error().message);
  REQUIRE(restored->activeHold().has_value());
  CHECK((restored->activeHold()->covers == nova::Severity::kHigh));
}

TEST_CASE("snapshot is small versioned JSON") {
  const auto rules = seedRules();
  Escalator escalator(PolicyConfig{}, rules, kSwitch);
  (void)escalator.step(observe(rules, {{"ws_drop", kBad, 0.25}}), at(1));
  const std::string json = escalator.snapshot();
  CHECK(json.starts_with("{\"version\":1,"));
  CHECK(json.find("\"switchedAt\":1700000000000") != std::string::npos);
  CHECK(json.find("\"id\":\"1700000000000-1\"") != std::string::npos);
  CHECK(json.size() < 2000);
}

TEST_CASE("restore names what is wrong with a bad snapshot") {
  const auto rules = seedRules();
  Escalator escalator(PolicyConfig{}, rules, kSwitch);
  (void)escalator.step(observe(rules, {{"ws_drop"}}), at(1));
  const std::string good = escalator.snapshot();
  const auto errorOf = [&](const std::string& json) {
    const auto restored = Escalator::restore(json, PolicyConfig{}, rules);
    if (restored.ok()) {
      return std::string("ok");
    }
    CHECK(restored.error().code == nova::ErrorCode::kInvalidInput);
    return restored.error().message;
  };
  const auto replaced = [&](const std::string& from, const std::string& to) {
    std::string json = good;
    const auto pos = json.find(from);
    REQUIRE(pos != std::string::npos);
    return json.replace(pos, from.size(), to);
  };
  CHECK(errorOf(good) == "ok");
  CHECK(errorOf("{").starts_with("policy snapshot: not JSON"));
  CHECK(errorOf("[]") == "policy snapshot: expected a JSON object");
  CHECK(errorOf(replaced("\"version\":1", "\"version\":2")) ==
        "policy snapshot: version: 2 is not supported (expected 1)");
  CHECK(errorOf(replaced("\"switchedAt\"", "\"switched\"")) ==
        "policy snapshot: switchedAt: missing");
  CHECK(errorOf(replaced("\"phase\":\"firing\"", "\"phase\":\"burning\"")) ==
        "policy snapshot: rules[2].phase: expected ok, pending or firing");
  CHECK(errorOf(replaced("\"severity\":\"high\",\"clearSince\"",
                         "\"severity\":\"urgent\",\"clearSince\"")) ==
        "policy snapshot: incident.severity: unknown severity \"urgent\"");
  CHECK(errorOf(replaced("\"paged\":true", "\"paged\":1")) ==
        "policy snapshot: incident.paged: expected true or false");
  CHECK(errorOf(replaced("\"engagedAt\":", "\"engagedAt\":\"x\",\"y\":")) ==
        "policy snapshot: incident.levels[0].engagedAt: expected an integer");

  REQUIRE(escalator.hold(at(2), at(9), "alice", "").ok());
  const std::string held = escalator.snapshot();
  const auto heldWith = [&](const std::string& covers) {
    std::string json = held;
    const std::string from = "\"covers\":\"high\"";
    return json.replace(json.find(from), from.size(), "\"covers\":" + covers);
  };
  CHECK(errorOf(heldWith("\"urgent\"")) ==
        "policy snapshot: hold.covers: unknown severity \"urgent\"");
  CHECK(errorOf(heldWith("\"none\"")) ==
        "policy snapshot: hold.covers: must be a severity (low, medium, high, critical)");
}
