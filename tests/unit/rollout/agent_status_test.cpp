#include "nova/rollout/agent_status.h"

#include <doctest/doctest.h>

namespace nova::rollout {
namespace {

using State = AgentVerdict::State;

TEST_CASE("the agent's /status becomes a verdict on this rollout") {
  CHECK(parseAgentStatus("not json", "r1").state == State::kUnreachable);
  CHECK(parseAgentStatus(R"({"armed": true, "rollout_id": "r0"})", "r1").state == State::kNotArmed);
  CHECK(parseAgentStatus(R"({"armed": true, "rollout_id": "r0"})", "r1").detail ==
        "armed for rollout r0");
  CHECK(parseAgentStatus(R"({"armed": false})", "r1").state == State::kNotArmed);
  CHECK(parseAgentStatus(R"({"hold": {"who": "ana", "reason": "looking"}})", "r1").state ==
        State::kHold);
  CHECK(parseAgentStatus(R"({"rollback": {"outcome": "flipped", "incident": "i"}})", "r1").state ==
        State::kRolledBack);
  // A rollback that could not flip is not a rollback.
  CHECK(parseAgentStatus(R"({"rollback": {"outcome": "impossible"}, "ready": true,
                             "rules": [{"value": 1}]})",
                         "r1")
            .state == State::kWatching);
  const AgentVerdict incident = parseAgentStatus(
      R"({"incident": {"id": "i1", "severity": "medium", "state": "open"}})", "r1");
  CHECK(incident.state == State::kIncident);
  CHECK((incident.severity == Severity::kMedium));
  CHECK(parseAgentStatus(R"({"incident": {"state": "resolved"}, "ready": true,
                             "rules": [{"value": 0.1}]})",
                         "r1")
            .state == State::kWatching);
  CHECK(parseAgentStatus(R"({"ready": false, "rules": [{"value": 1}]})", "r1").state ==
        State::kNoData);
  CHECK(parseAgentStatus(R"({"ready": true, "rules": [{"value": null}]})", "r1").state ==
        State::kNoData);
  CHECK(parseAgentStatus(R"({"armed": true, "rollout_id": "r1", "ready": true,
                             "rules": [{"value": 0}]})",
                         "r1")
            .state == State::kWatching);
  // A rule past its threshold while its `for` runs: no incident yet, and not clean.
  const AgentVerdict pending = parseAgentStatus(
      R"({"armed": true, "rollout_id": "r1", "ready": true,
          "rules": [{"name": "error_rate_high", "state": "breaching", "value": 0.4},
                    {"name": "api_down", "state": "ok", "value": 1},
                    {"name": "latency_p95_high", "state": "breaching", "value": 0.3}]})",
      "r1");
  CHECK(pending.state == State::kBreaching);
  CHECK(pending.detail == "breaching now: error_rate_high, latency_p95_high");
  // An open incident says more than its breaching rules.
  CHECK(parseAgentStatus(R"({"incident": {"id": "i1", "severity": "high", "state": "open"},
                             "rules": [{"name": "e", "state": "breaching", "value": 1}]})",
                         "r1")
            .state == State::kIncident);
}

}  // namespace
}  // namespace nova::rollout
