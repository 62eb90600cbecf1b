// Runs each scenario file given on the command line as `novactl rules test` does; exits
// non-zero when any expectation fails.
#include <iostream>
#include <string>

#include "nova/rules/commands.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: rules_scenario_test SCENARIO.yaml...\n";
    return 2;
  }
  int status = 0;
  for (int i = 1; i < argc; ++i) {
    if (nova::rules::runRulesTest(argv[i], std::cout, std::cerr) != 0) {
      status = 1;
    }
  }
  return status;
}
