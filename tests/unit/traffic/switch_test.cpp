#include "nova/traffic/switch.h"

#include <doctest/doctest.h>

#include "nova/traffic/dry_run_switch.h"

namespace nova::traffic {

TEST_CASE("the dry-run switch flips once, then reports traffic already on blue") {
  DryRunSwitch sw("ingress nova/user");
  auto before = sw.current();
  REQUIRE(before.ok());
  CHECK(toString(before->backend) == std::string_view("green"));

  RollbackRequest request{"1700000000000-1", "high: still breaching", "agent", 42};
  auto first = sw.rollback(request);
  REQUIRE(first.ok());
  CHECK(toString(first->kind) == std::string_view("flipped"));
  CHECK(first->detail.find("ingress nova/user") != std::string::npos);
  CHECK(first->detail.find("1700000000000-1") != std::string::npos);

  auto second = sw.rollback(request);
  REQUIRE(second.ok());
  CHECK(toString(second->kind) == std::string_view("already_blue"));
  CHECK(toString(sw.current()->backend) == std::string_view("blue"));

  auto seen = sw.requests();
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].incidentId == "1700000000000-1");
  CHECK(seen[0].decidedAt == 42);
}

TEST_CASE("makeSwitch maps type to an implementation and names unknown types") {
  ManualClock clock;
  SequenceRandom random;
  auto dry = makeSwitch({"dry-run", {{"target", "ingress a/b"}}}, clock, random);
  REQUIRE(dry.ok());
  auto outcome = (*dry)->rollback({"x-1", "why", "ops", 0});
  REQUIRE(outcome.ok());
  CHECK(outcome->detail.find("ingress a/b") != std::string::npos);

  auto typo = makeSwitch({"dry-rn", {}}, clock, random);
  REQUIRE_FALSE(typo.ok());
  CHECK(typo.error().code == ErrorCode::kInvalidInput);
  CHECK(typo.error().message ==
        "switch: unknown type \"dry-rn\"; did you mean \"dry-run\"? (known: dry-run, nginx, "
        "kubernetes-ingress, gateway-httproute, ingress-nginx-canary)");

  auto unknown = makeSwitch({"kubernetes-ingress", {}}, clock, random);
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().message.find("kubernetes-ingress") != std::string::npos);

  auto badSetting = makeSwitch({"dry-run", {{"namespace", "x"}}}, clock, random);
  REQUIRE_FALSE(badSetting.ok());
  CHECK(badSetting.error().code == ErrorCode::kInvalidInput);
  CHECK(badSetting.error().message ==
        "switch: dry-run has no setting \"namespace\" (known: target)");
}

TEST_CASE("outcome and backend names") {
  CHECK(toString(SwitchOutcome::Kind::kFlipped) == "flipped");
  CHECK(toString(SwitchOutcome::Kind::kAlreadyBlue) == "already_blue");
  CHECK(toString(SwitchOutcome::Kind::kImpossible) == "impossible");
  CHECK(toString(TrafficState::Backend::kBlue) == "blue");
}

}  // namespace nova::traffic
