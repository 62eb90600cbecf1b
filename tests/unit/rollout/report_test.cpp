// The incident report as golden files: tests/unit/rollout/golden/*.md. After an intended
// change of the format, NOVA_UPDATE_GOLDEN=1 rollout_test rewrites them; review the diff.
#include "nova/rollout/report.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "test_time.h"

namespace nova::rollout {
namespace {

using test::at;

std::string goldenPath(const std::string& name) {
  return std::string(NOVA_SOURCE_DIR) + "/tests/unit/rollout/golden/" + name;
}

void checkGolden(const std::string& name, const std::string& actual) {
  const std::string path = goldenPath(name);
  if (std::getenv("NOVA_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path) << actual;
  }
  std::ifstream in(path);
  REQUIRE_MESSAGE(in.good(), "missing golden file " << path);
  std::stringstream expected;
  expected << in.rdbuf();
  CHECK(actual == expected.str());
}

Record baseRecord() {
  Record r;
  r.rolloutId = "r-20261203-1";
  r.version = "v1.2.4";
  r.startedAt = at("2026-12-03T02:00:05Z");
  r.snapshotId = "nova-prod-pre-deploy-v1-2-4-r-20261203-1";
  r.blue = BlueBefore{3, "nova/user-service:v1.2.3"};
  auto step = [&](Phase phase, std::string name, StepResult result, const char* when,
                  std::string detail) {
    appendStep(r, StepRecord{phase, std::move(name), result, at(when), std::move(detail)});
  };
  step(Phase::kPreflight, "nodes-ready", StepResult::kOk, "2026-12-03T02:00:09Z",
       "3 of 3 nodes Ready");
  step(Phase::kPreflight, "db-connections", StepResult::kSkipped, "2026-12-03T02:00:10Z",
       "--skip-check by alice: DBA confirmed 41% of max");
  step(Phase::kSnapshot, "snapshot", StepResult::kOk, "2026-12-03T02:04:40Z",
       "available after 18 polls");
  step(Phase::kDeployGreen, "helm-upgrade", StepResult::kOk, "2026-12-03T02:11:02Z",
       "3 of 3 replicas available");
  step(Phase::kSmoke, "health", StepResult::kOk, "2026-12-03T02:11:03Z",
       "HTTP 200, version v1.2.4");
  step(Phase::kSmoke, "create test stream", StepResult::kOk, "2026-12-03T02:11:04Z", "HTTP 201");
  return r;
}

TEST_CASE("golden: the agent rolled back during monitoring") {
  ReportInput in;
  in.record = baseRecord();
  in.record.phase = Phase::kRolledBack;
  in.record.switchedAt = at("2026-12-03T02:12:00Z");
  in.outcome = Outcome::kRolledBack;
  in.rules = {FiredRule{"error_rate_high", Severity::kHigh, 0.0721, ">", 0.05,
                        "5xx ratio over 5m above 5%", at("2026-12-03T02:14:31Z")},
              FiredRule{"latency_p95_high", Severity::kMedium, 0.245, ">", 0.2, "",
                        at("2026-12-03T02:13:50Z")}};
  in.timeline = {
      {at("2026-12-03T02:14:31Z"), "Incident opened (HIGH), on-call paged"},
      {at("2026-12-03T02:19:31Z"), "Investigation window ended still breaching: rollback"}};
  in.rollbackOption = "switch";
  in.rollbackBy = "nova-agent";
  in.rolledBackAt = at("2026-12-03T02:19:33Z");
  in.endedAt = at("2026-12-03T02:19:40Z");
  in.recommendations = {"Add a load test for the stream listing to staging."};
  checkGolden("report_rolled_back.md", renderReport(in));
}

TEST_CASE("golden: a rollout that succeeded, started outside the window") {
  ReportInput in;
  in.record = baseRecord();
  in.record.phase = Phase::kDone;
  in.record.switchedAt = at("2026-12-03T02:12:00Z");
  in.record.windowOverride =
      OverrideRecord{"hotfix for INC-42", "alice", at("2026-12-03T02:00:05Z")};
  appendStep(in.record, StepRecord{Phase::kCleanupBlue, "scale-down", StepResult::kOk,
                                   at("2026-12-03T02:23:10Z"), "blue scaled from 3 to 0"});
  in.outcome = Outcome::kSucceeded;
  in.endedAt = at("2026-12-03T02:23:12Z");
  checkGolden("report_succeeded.md", renderReport(in));
}

TEST_CASE("golden: smoke tests failed before the switch") {
  ReportInput in;
  in.record = baseRecord();
  in.record.phase = Phase::kFailedBeforeSwitch;
  appendStep(in.record, StepRecord{Phase::kSmoke, "read it back", StepResult::kFailed,
                                   at("2026-12-03T02:11:05Z"), "\"s-2\" at /id, expected \"s-1\""});
  in.outcome = Outcome::kFailedBeforeSwitch;
  in.endedAt = at("2026-12-03T02:11:06Z");
  checkGolden("report_failed_before_switch.md", renderReport(in));
}

TEST_CASE("durations read like the runbook's") {
  CHECK(humanDuration(45 * kSecond) == "45 seconds");
  CHECK(humanDuration(kMinute) == "1 minute");
  CHECK(humanDuration(7 * kMinute + 12 * kSecond) == "7 minutes 12 seconds");
  CHECK(humanDuration(65 * kMinute) == "1 hour 5 minutes");
  CHECK(humanDuration(-5) == "0 seconds");
}

TEST_CASE("events on another day carry their date") {
  ReportInput in;
  in.record = baseRecord();
  in.record.phase = Phase::kNeedsPerson;
  in.record.stoppedIn = Phase::kMonitor;
  in.record.switchedAt = at("2026-12-03T23:50:00Z");
  in.outcome = Outcome::kNeedsPerson;
  in.timeline = {{at("2026-12-04T00:30:00Z"), "MEDIUM incident still open"},
                 {at("2026-12-04T00:30:30Z"), "hook said:\nline two"}};
  in.endedAt = at("2026-12-04T00:31:00Z");
  const std::string report = renderReport(in);
  CHECK(report.find("- 12-04 00:30 UTC - MEDIUM incident still open\n") != std::string::npos);
  CHECK(report.find("- 12-04 00:30 UTC - hook said: line two\n") != std::string::npos);
  CHECK(report.find("**Resolution**: stopped for a person in phase monitor; blue kept warm, "
                    "nothing scaled down\n") != std::string::npos);
  CHECK(report.find("resume with --rollout-id r-20261203-1.") != std::string::npos);
}

TEST_CASE("a fired rule without its threshold or time names neither") {
  ReportInput in;
  in.record = baseRecord();
  in.record.phase = Phase::kRolledBack;
  in.record.switchedAt = at("2026-12-03T02:12:00Z");
  in.outcome = Outcome::kRolledBack;
  in.endedAt = at("2026-12-03T02:20:00Z");
  in.rolledBackAt = at("2026-12-03T02:19:40Z");
  // As the agent's /status gives it: name, severity, value and summary only.
  FiredRule fired;
  fired.name = "error_rate_high";
  fired.severity = Severity::kHigh;
  fired.value = 0.405722;
  fired.summary = "error rate 40.57% (> 5%)";
  in.rules = {fired};
  in.timeline = {{at("2026-12-03T02:14:31Z"), "rule_firing: breaching at high"}};
  const std::string report = renderReport(in);
  CHECK(report.find("**Root Cause**: error_rate_high (HIGH): error rate 40.57% (> 5%); value "
                    "0.405722\n") != std::string::npos);
  CHECK(report.find("threshold 0") == std::string::npos);
  CHECK(report.find("01-01 00:00 UTC") == std::string::npos);
  CHECK(report.find("02:14 UTC - rule_firing: breaching at high") != std::string::npos);
}

}  // namespace
}  // namespace nova::rollout
