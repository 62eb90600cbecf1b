// A scenario cannot make `novactl rules test` hold unbounded samples or run unbounded
// evaluations: both are errors at their place in the file.
#include <doctest/doctest.h>

#include <string>

#include "../doctest_strings.h"
#include "nova/cli/scenario_loader.h"

namespace nova::cli {
namespace {

std::vector<std::string> problemsOf(const std::string& yaml) {
  std::vector<std::string> out;
  for (const rules::Diagnostic& d : parseScenario(yaml, "s.yaml").diagnostics) {
    out.push_back(d.toString());
  }
  return out;
}

}  // namespace

TEST_CASE("series expanding past the scenario's sample cap are an error, not gigabytes") {
  // Each line is inside the series notation's own bound (10 million positions); together
  // they are far over the scenario's.
  const std::string yaml =
      "interval: 1s\nduration: 1m\nseries:\n  - 'a 0+1x600000'\n  - 'b 0+1x600000'\n"
      "  - 'c 0+1x9999999'\n";
  CHECK(problemsOf(yaml) ==
        std::vector<std::string>{"s.yaml:5:5: series: the scenario's series expand to more "
                                 "than 1000000 samples in all"});
  CHECK(problemsOf("interval: 1s\nduration: 1m\nseries:\n  - 'a 0+1x999999'\n").empty());
}

TEST_CASE("a duration past the evaluation cap is an error at duration:") {
  CHECK(problemsOf("interval: 1s\nduration: 100000d\nseries: ['a 1']\n") ==
        std::vector<std::string>{"s.yaml:2:11: duration: 273y50w5d at interval 1s is 8640000001 "
                                 "evaluations; a scenario runs at most 100000"});
  CHECK(problemsOf("interval: 10s\nduration: 11d\nseries: ['a 1']\n").empty());
  // Without duration: the longest series sets the end; the same cap holds.
  CHECK(problemsOf("interval: 1s\nseries: ['a 0+0x100000']\n") ==
        std::vector<std::string>{"s.yaml:2:9: duration: 1d3h46m40s at interval 1s is 100001 "
                                 "evaluations; a scenario runs at most 100000"});
}

}  // namespace nova::cli
