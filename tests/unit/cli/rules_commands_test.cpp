#include "nova/cli/rules_commands.h"

#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

namespace nova::cli {
namespace {

const std::string kData = NOVA_SOURCE_DIR "/tests/unit/cli/data/";

TEST_CASE("rules check prints the table of a valid file") {
  const std::vector<std::string> files{NOVA_SOURCE_DIR "/rules/default.yaml"};
  std::ostringstream out;
  std::ostringstream err;
  CHECK(runRulesCheck(files, out, err) == 0);
  CHECK(err.str().empty());
  const std::string table = out.str();
  CHECK(table.find("13 rules OK") != std::string::npos);
  CHECK(table.find("NAME") != std::string::npos);
  CHECK(table.find("api_down                     critical  15s    < 1        rollback\n") !=
        std::string::npos);
  CHECK(table.find("error_rate_high              high      1m     > 0.05     page, rollback "
                   "after 5m\n") != std::string::npos);
}

TEST_CASE("rules check lists all five mistakes of a file and fails") {
  const std::vector<std::string> files{kData + "five_mistakes.yaml"};
  std::ostringstream out;
  std::ostringstream err;
  CHECK(runRulesCheck(files, out, err) == 1);
  const std::string f = kData + "five_mistakes.yaml";
  const std::string expected =
      f + ":6:10: for: invalid duration \"5mins\": expected a number\n" + f +
      ":7:15: unknown severity \"critcal\"; did you mean critical?\n" + f +
      ":8:11: duplicate rule name \"error_rate\" (first defined at line 3)\n" + f +
      ":12:33: threshold value must be a number, got \"fast\"\n" +  //
      f + ": 5 problems\n";
  // The first line is the PromQL error; its wording is the parser's, its place is ours.
  const std::string first = f + ":4:43: expr: bad number or duration syntax";
  REQUIRE(err.str().rfind(first, 0) == 0);
  CHECK(err.str().substr(err.str().find('\n') + 1) == expected);
  CHECK(out.str().empty());
}

TEST_CASE("rules check: a missing file and no files are errors") {
  std::ostringstream out;
  std::ostringstream err;
  const std::vector<std::string> missing{kData + "nope.yaml"};
  CHECK(runRulesCheck(missing, out, err) == 1);
  CHECK(err.str() == "cannot open " + kData + "nope.yaml: No such file or directory\n");
  CHECK(runRulesCheck({}, out, err) == 1);
}

TEST_CASE("rules test passes a scenario and prints its timeline") {
  std::ostringstream out;
  std::ostringstream err;
  CHECK(runRulesTest(NOVA_SOURCE_DIR "/tests/scenarios/api_down.yaml", out, err) == 0);
  CHECK(err.str().empty());
  CHECK(out.str().find("   2m20s  rollback_decided") != std::string::npos);
  CHECK(out.str().find("PASS ") != std::string::npos);
}

TEST_CASE("rules test prints rollback attempts and notifications with their receivers") {
  std::ostringstream out;
  std::ostringstream err;
  CHECK(runRulesTest(NOVA_SOURCE_DIR "/tests/scenarios/rollback_retried.yaml", out, err) == 0);
  CHECK(err.str().empty());
  const std::string timeline = out.str();
  CHECK(timeline.find("   1m10s  rollback attempt 1: error: dry-run: simulated failure 1 of 2\n"
                      "   1m10s  -> rollback_started 0-1 to pagerduty\n"
                      "   1m20s  rollback attempt 2: error: dry-run: simulated failure 2 of 2\n") !=
        std::string::npos);
  CHECK(timeline.find("   1m30s  rollback attempt 3: flipped\n"
                      "   1m30s  -> rollback_done 0-1 to pagerduty\n") != std::string::npos);
}

TEST_CASE("rules test fails with a readable diff") {
  std::ostringstream out;
  std::ostringstream err;
  CHECK(runRulesTest(kData + "failing_scenario.yaml", out, err) == 1);
  const std::string expected = "FAIL " + kData +
                               "failing_scenario.yaml:\n"
                               "line 19, at 1m20s:\n"
                               "  severity: expected high, got critical\n"
                               "  at this tick: incident 0-1 critical rolled_back; action "
                               "rollback; events: rule_firing(api_down) incident_opened "
                               "rollback_decided rollback_completed\n"
                               "line 20, at 1m25s:\n"
                               "  no evaluation at this time (ticks every 10s from the traffic "
                               "switch at 0s to 3m)\n"
                               "expect_actions: the actions taken differ\n"
                               "  - 1m10s rollback\n"
                               "  + 1m20s rollback\n"
                               "  (- expected, + taken)\n";
  CHECK(err.str() == expected);
}

}  // namespace
}  // namespace nova::cli
