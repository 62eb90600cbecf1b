#include "nova/rollout/record.h"

#include <doctest/doctest.h>

#include "nova/rollout/record_codec.h"
#include "test_time.h"

namespace nova::rollout {
namespace {

using test::at;

Record monitoringRecord() {
  Record r;
  r.rolloutId = "r-20261203-1";
  r.version = "v1.2.4";
  r.phase = Phase::kMonitor;
  r.startedAt = at("2026-12-03T02:00:00Z");
  r.switchedAt = at("2026-12-03T02:21:30.250Z");
  r.snapshotId = "nova-prod-pre-deploy-v1-2-4-r-20261203-1";
  r.blue = BlueBefore{3, "nova/user-service:v1.2.3"};
  r.windowOverride = OverrideRecord{"hotfix for INC-42", "alice", at("2026-12-03T02:00:00Z")};
  appendStep(r, StepRecord{Phase::kPreflight, "nodes-ready", StepResult::kOk,
                           at("2026-12-03T02:01:00Z"), "3 of 3 nodes Ready"});
  appendStep(r, StepRecord{Phase::kPreflight, "db-connections", StepResult::kSkipped,
                           at("2026-12-03T02:01:05Z"), "--skip-check: DBA on call confirmed"});
  r.revision = 7;
  return r;
}

TEST_CASE("a record survives the round trip through annotations") {
  const Record record = monitoringRecord();
  auto encoded = encodeRecord(record);
  REQUIRE(encoded.ok());
  CHECK(encoded->at("nova.io/rollout-phase") == "monitor");
  CHECK(encoded->at("nova.io/rollout-switched-at") == "2026-12-03T02:21:30.250Z");
  CHECK(encoded->at("nova.io/rollout-blue") ==
        R"({"replicas":3,"image":"nova/user-service:v1.2.3"})");
  CHECK(encoded->at("nova.io/rollout-steps") ==
        R"({"dropped":0,"items":[{"phase":"pre-flight","step":"nodes-ready","result":"ok",)"
        R"("at":"2026-12-03T02:01:00.000Z","detail":"3 of 3 nodes Ready"},{"phase":)"
        R"("pre-flight","step":"db-connections","result":"skipped","at":)"
        R"("2026-12-03T02:01:05.000Z","detail":"--skip-check: DBA on call confirmed"}]})");
  CHECK(encoded->count("nova.io/rollout-stopped-in") == 0);

  Lease lease;
  lease.holder = record.rolloutId;
  lease.instance = "ci-runner-7/4242/9f3a";
  lease.who = "github:alice";
  lease.acquiredAt = at("2026-12-03T02:00:00Z");
  lease.renewedAt = at("2026-12-03T02:22:00Z");
  Annotations all = *encoded;
  all["nova.io/rollout-lease"] = encodeLease(lease);
  all["kubernetes.io/ingress.class"] = "nginx";  // other keys are not ours
  auto decoded = decodeAnnotations(all);
  REQUIRE_MESSAGE(decoded.ok(), (decoded.ok() ? "" : decoded.error().message));
  REQUIRE(decoded->record.has_value());
  CHECK(*decoded->record == record);
  CHECK(decoded->lease == lease);
}

TEST_CASE("no rollout annotations: no record, no lease") {
  auto decoded = decodeAnnotations({{"kubectl.kubernetes.io/last-applied-configuration", "{}"}});
  REQUIRE(decoded.ok());
  CHECK_FALSE(decoded->record);
  CHECK_FALSE(decoded->lease);
}

Annotations encodedWith(std::string_view key, std::string value) {
  auto encoded = encodeRecord(monitoringRecord());
  REQUIRE(encoded.ok());
  Annotations a = *encoded;
  if (value.empty()) {
    a.erase(std::string(key));
  } else {
    a[std::string(key)] = std::move(value);
  }
  return a;
}

std::string decodeError(const Annotations& a) {
  auto decoded = decodeAnnotations(a);
  REQUIRE_FALSE(decoded.ok());
  CHECK(decoded.error().code == ErrorCode::kInvalidInput);
  return decoded.error().message;
}

TEST_CASE("decoding is strict and names the annotation and field") {
  CHECK(decodeError(encodedWith("nova.io/rollout-format", "2")) ==
        "annotation nova.io/rollout-format: format \"2\" is not 1 (written by another novactl "
        "version?)");
  CHECK(decodeError(encodedWith("nova.io/rollout-phase", "")) ==
        "annotation nova.io/rollout-phase: missing (the record is incomplete)");
  CHECK(decodeError(encodedWith("nova.io/rollout-phase", "monitoring")) ==
        "annotation nova.io/rollout-phase: unknown phase \"monitoring\"");
  CHECK(decodeError(encodedWith("nova.io/rollout-colour", "green")) ==
        "annotation nova.io/rollout-colour: unknown rollout annotation (written by another "
        "novactl version?)");
  CHECK(decodeError(encodedWith("nova.io/rollout-blue", R"({"replicas":"3","image":"x"})")) ==
        "annotation nova.io/rollout-blue: field \"replicas\": expected a whole number");
  CHECK(decodeError(encodedWith("nova.io/rollout-blue", R"({"replicas":3,"image":"x","z":1})")) ==
        "annotation nova.io/rollout-blue: unknown field \"z\"");
  CHECK(decodeError(encodedWith("nova.io/rollout-blue", "{not json"))
            .starts_with("annotation nova.io/rollout-blue: not valid JSON ("));
  CHECK(decodeError(encodedWith("nova.io/rollout-revision", "7a")) ==
        "annotation nova.io/rollout-revision: expected a whole number of at least 1, got \"7a\"");
  CHECK(decodeError(encodedWith("nova.io/rollout-id", "-bad id"))
            .starts_with("annotation nova.io/rollout-id: rollout id \"-bad id\" must be letters"));
  CHECK(decodeError(encodedWith("nova.io/rollout-switched-at", "")) ==
        "annotation nova.io/rollout-switched-at: missing for phase monitor");
  CHECK(decodeError(encodedWith("nova.io/rollout-stopped-in", "smoke")) ==
        "annotation nova.io/rollout-stopped-in: only a needs-person or parked rollout has one");
  CHECK(decodeError(encodedWith("nova.io/rollout-steps",
                                R"({"dropped":0,"items":[{"phase":"pre-flight","step":"a",)"
                                R"("result":"great","at":"2026-12-03T02:01:00Z","detail":""}]})"))
            .ends_with("field \"result\": expected ok, failed or skipped, got \"great\""));
  CHECK(decodeError({{"nova.io/rollout-lease", R"({"holder":"r1"})"}}) ==
        "annotation nova.io/rollout-lease: field \"instance\": missing");
}

TEST_CASE("a stopped record names the phase it stopped in, and a pre-switch one has no switch") {
  Record stopped = monitoringRecord();
  stopped.phase = Phase::kNeedsPerson;
  stopped.stoppedIn = Phase::kMonitor;
  auto encoded = encodeRecord(stopped);
  REQUIRE(encoded.ok());
  auto decoded = decodeAnnotations(*encoded);
  REQUIRE(decoded.ok());
  CHECK(decoded->record->effectivePhase() == Phase::kMonitor);
  CHECK(decodeError(encodedWith("nova.io/rollout-phase", "smoke")) ==
        "annotation nova.io/rollout-switched-at: set, but phase smoke is before the switch");
  Annotations noStop = *encoded;
  noStop.erase("nova.io/rollout-stopped-in");
  CHECK(decodeError(noStop) ==
        "annotation nova.io/rollout-stopped-in: missing for phase needs-person");
}

TEST_CASE("steps are bounded: oldest dropped and counted, details cut at a UTF-8 boundary") {
  Record r = monitoringRecord();
  RecordLimits limits;
  limits.maxSteps = 3;
  limits.maxDetailBytes = 12;
  for (int i = 0; i < 5; ++i) {
    appendStep(r,
               StepRecord{Phase::kSmoke, "s" + std::to_string(i), StepResult::kOk, 0, "ééééééééé"},
               limits);
  }
  REQUIRE(r.steps.size() == 3);
  CHECK(r.steps.front().name == "s2");
  CHECK(r.stepsDropped == 4);
  CHECK(r.steps.back().detail == "éééé...");
}

TEST_CASE("the encoded record stays under its byte budget by dropping old steps") {
  Record r = monitoringRecord();
  for (int i = 0; i < 50; ++i) {
    appendStep(r, StepRecord{Phase::kSmoke, "step-" + std::to_string(i), StepResult::kOk, 0,
                             std::string(250, 'x')});
  }
  RecordLimits small;
  small.maxRecordBytes = 4096;
  auto encoded = encodeRecord(r, small);
  REQUIRE(encoded.ok());
  CHECK(annotationsSize(*encoded) <= 4096);
  auto decoded = decodeAnnotations(*encoded, small);
  REQUIRE(decoded.ok());
  CHECK(decoded->record->stepsDropped > 0);
  CHECK(decoded->record->steps.back().name == "step-49");

  Record huge = monitoringRecord();
  huge.windowOverride->reason = std::string(5000, 'r');
  auto refused = encodeRecord(huge, small);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::kInvalidInput);
  // Hostile input is refused on reading too.
  Annotations bloated = *encoded;
  bloated["nova.io/rollout-snapshot-id"] = std::string(64 * 1024, 's');
  CHECK(decodeError(bloated).starts_with("the rollout annotations total "));
}

TEST_CASE("rollout ids and versions are checked") {
  CHECK(validateRolloutId("r-20261203.1_a").ok());
  CHECK(validateRolloutId("").error().code == ErrorCode::kInvalidInput);
  CHECK_FALSE(validateRolloutId(std::string(64, 'a')).ok());
  CHECK_FALSE(validateRolloutId("a/b").ok());
  CHECK_FALSE(validateRolloutId(".hidden").ok());
  CHECK(validateVersion("v1.2.4+build.7").ok());
  CHECK_FALSE(validateVersion("v1 2").ok());
  CHECK_FALSE(validateVersion("").ok());
}

}  // namespace
}  // namespace nova::rollout
