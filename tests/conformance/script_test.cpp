#include "script.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "nova/core/sample.h"
#include "script_testing.h"

using namespace nova::conformance;
using namespace nova::conformance::testing;
using nova::kMinute;
using nova::Labels;

namespace {

const EvalCommand& evalAt(const std::vector<Command>& commands, std::size_t i) {
  REQUIRE(i < commands.size());
  REQUIRE(std::holds_alternative<EvalCommand>(commands[i]));
  return std::get<EvalCommand>(commands[i]);
}

}  // namespace

TEST_CASE("load blocks expand series and note special ones") {
  const auto commands = mustRead(R"(
# comment
load 1m
  a{x="1"} 0+10x2 _ stale
  h {{schema:0 sum:1 count:1}}
  st{k="v"}@st _ -30s
  st{k="v"} 1 2

load_with_nhcb 30s
  m_bucket{le="1"} 1

clear
)");
  REQUIRE(commands.size() == 3);
  const auto& load = std::get<LoadCommand>(commands[0]);
  CHECK(load.line == 3);
  CHECK(load.step == kMinute);
  CHECK_FALSE(load.withNhcb);
  REQUIRE(load.series.size() == 3);
  CHECK(load.series[0].labels == Labels{{"__name__", "a"}, {"x", "1"}});
  REQUIRE(load.series[0].values.size() == 5);
  CHECK(*load.series[0].values[2] == 20);
  CHECK_FALSE(load.series[0].values[3].has_value());
  CHECK(nova::isStaleNaN(*load.series[0].values[4]));
  CHECK(load.series[1].hasHistogram);
  REQUIRE(load.startTimestampSeries.size() == 1);
  CHECK(load.startTimestampSeries[0] == Labels{{"__name__", "st"}, {"k", "v"}});
  CHECK(std::get<LoadCommand>(commands[1]).withNhcb);
  CHECK(std::get<LoadCommand>(commands[1]).step == 30'000);
  CHECK(std::holds_alternative<ClearCommand>(commands[2]));
}

TEST_CASE("eval headers and expectations") {
  const auto commands = mustRead(R"(
eval instant at 50m sum by (g) (x)
  expect ordered
  expect warn
  {g="a"} 1
  {g="b"} 2

eval range from 0 to 10m step 5m rate(x[5m])
  x{} 1 _ 3

eval instant at 1m x[1m]
  expect range vector from 10s to 1m step 10s
  x 1 2 3

eval instant at 0 1 + 1
  2
eval_fail instant at 0m foo
  expected_fail_message some error

eval instant at 0 foo
  expect fail regex: same label(set|s)

eval instant at 0 "a"
  expect string "a"
)");
  REQUIRE(commands.size() == 7);
  const EvalCommand& sum = evalAt(commands, 0);
  CHECK(sum.line == 2);
  CHECK(sum.expr == "sum by (g) (x)");
  CHECK(sum.start == 50 * kMinute);
  CHECK(sum.ordered);
  REQUIRE(sum.warnings.checks.size() == 1);
  CHECK(sum.warnings.checks[0].regex);
  CHECK(sum.warnings.checks[0].text.empty());
  CHECK_FALSE(sum.infos.given());
  REQUIRE(sum.expected.size() == 2);
  CHECK(sum.expected[1].labels == Labels{{"g", "b"}});

  const EvalCommand& range = evalAt(commands, 1);
  CHECK(range.isRange);
  CHECK(range.end == 10 * kMinute);
  CHECK(range.step == 5 * kMinute);
  CHECK(range.expected[0].values.size() == 3);

  const EvalCommand& rv = evalAt(commands, 2);
  CHECK(rv.rangeVector);
  CHECK(rv.start == 10'000);
  CHECK(rv.evalTime() == kMinute);

  const EvalCommand& scalar = evalAt(commands, 3);
  CHECK(scalar.expectedScalar == 2.0);
  CHECK(scalar.expected.empty());

  const EvalCommand& oldFail = evalAt(commands, 4);
  CHECK(oldFail.fail);
  REQUIRE(oldFail.failChecks.size() == 1);
  CHECK_FALSE(oldFail.failChecks[0].regex);
  CHECK(oldFail.failChecks[0].text == "some error");

  const EvalCommand& newFail = evalAt(commands, 5);
  CHECK(newFail.fail);
  REQUIRE(newFail.failChecks.size() == 1);
  CHECK(newFail.failChecks[0].regex);
  CHECK(newFail.failChecks[0].text == "same label(set|s)");

  CHECK(evalAt(commands, 6).expectedString == "a");
}

TEST_CASE("a comment ends a block, and an empty body expects an empty result") {
  const auto commands = mustRead("eval instant at 0 x\n  expect no_info\n#empty\n");
  REQUIRE(commands.size() == 1);
  CHECK(evalAt(commands, 0).expected.empty());
  CHECK_FALSE(evalAt(commands, 0).expectedScalar.has_value());
}

TEST_CASE("malformed scripts are refused with the line") {
  struct Case {
    const char* text;
    const char* want;
  };
  const Case cases[] = {
      {"bogus 1", "line 1: invalid command"},
      {"load 1q\n  a 1", "line 1: invalid step"},
      {"\neval instant at 0 x\n  x 1 2", "line 3: multiple values"},
      {"eval range from 5m to 1m step 1m x", "line 1: end timestamp is before"},
      {"eval instant at 0 x\n  expect fail\n  expect fail", "line 3: multiple expect fail"},
      {"eval instant at 0 x\n  expect bogus", "line 2: invalid expect"},
      {"load 1m\n  a{b=} 1", "line 2: column 5"},
      {"eval instant at 0 x\n  1\n  x 1", "line 3: invalid command"},
  };
  for (const Case& c : cases) {
    const std::string text = c.text;
    CAPTURE(text);
    auto got = readScript(text);
    REQUIRE_FALSE(got.ok());
    CHECK(got.error().code == nova::ErrorCode::kInvalidInput);
    CHECK_MESSAGE(got.error().message.find(c.want) == 0, got.error().message);
  }
}

TEST_CASE("every upstream script reads, with the eval count classify.py sees") {
  const std::filesystem::path dir =
      std::filesystem::path(NOVA_SHARED_DIR) / "conformance/prometheus/promqltest";
  std::size_t evals = 0;
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".test") {
      continue;
    }
    ++files;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    auto commands = readScript(text.str());
    const std::string name = entry.path().filename().string();
    CAPTURE(name);
    REQUIRE_MESSAGE(commands.ok(), (commands.ok() ? "" : commands.error().message));
    for (const Command& c : *commands) {
      evals += std::holds_alternative<EvalCommand>(c) ? 1 : 0;
    }
  }
  CHECK(files == 21);
  CHECK(evals == 2214);  // `classify.py --profile engine-v1` TOTAL evals
}
