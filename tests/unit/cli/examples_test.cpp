// The rule files in examples/rules load as documented; the analysis resources point at
// `rules import`.
#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

#include "nova/cli/rules_commands.h"

namespace nova::cli {
namespace {

const std::string kExamples = NOVA_SOURCE_DIR "/examples/rules/";

int check(const std::string& name, std::ostringstream& out, std::ostringstream& err) {
  const std::vector<std::string> files{kExamples + name};
  return runRulesCheck(files, out, err);
}

TEST_CASE("the Prometheus rule file example loads, with its notes") {
  std::ostringstream out;
  std::ostringstream err;
  CHECK(check("prometheus-alerts.yaml", out, err) == 0);
  CHECK(out.str().find("prometheus-alerts.yaml: 4 rules OK") != std::string::npos);
  CHECK(out.str().find("UserServiceErrorRateHigh     high      1m     any result page, rollback "
                       "after 5m\n") != std::string::npos);
  CHECK(out.str().find("recording rule job:nova_http_errors:ratio_rate1m (group "
                       "user-service.recording)") != std::string::npos);
  CHECK(out.str().find("prometheus-alerts.yaml:57:9: note: alert \"UserServiceDeadMansSwitch\" "
                       "has severity none and is left out of the escalation tree") !=
        std::string::npos);
}

TEST_CASE("the PrometheusRule example loads") {
  std::ostringstream out;
  std::ostringstream err;
  CHECK(check("prometheusrule.yaml", out, err) == 0);
  CHECK(out.str().find("prometheusrule.yaml: 3 rules OK") != std::string::npos);
  CHECK(out.str().find("note:") == std::string::npos);
  CHECK(err.str().empty());
}

TEST_CASE("the analysis examples are not rule files: rules check says to import them") {
  for (const char* name : {"analysis-template.yaml", "flagger-canary.yaml"}) {
    CAPTURE(name);
    std::ostringstream out;
    std::ostringstream err;
    CHECK(check(name, out, err) == 1);
    CHECK(err.str().find("is not a rule file; convert it into one with `novactl rules import " +
                         kExamples + name + "`") != std::string::npos);
  }
}

}  // namespace
}  // namespace nova::cli
