// `novactl rules import`: the examples convert completely; exit codes; the output file.
#include "nova/rules/import_command.h"

#include <doctest/doctest.h>
#include <stdlib.h>

#include <filesystem>
#include <sstream>
#include <string>

#include "nova/core/files.h"
#include "nova/rules/import.h"
#include "nova/rules/loader.h"

namespace nova::rules {
namespace {

const std::string kExamples = NOVA_SOURCE_DIR "/examples/rules/";

// The imported rules, loaded; fails the test when they do not load.
std::size_t loadedRules(const std::string& yaml) {
  const LoadReport report = loadDetailed(yaml, "imported.yaml");
  for (const Diagnostic& d : report.diagnostics) {
    FAIL_CHECK(d.toString());
  }
  return report.ok() ? report.ruleSet->rules.size() : 0;
}

TEST_CASE("the AnalysisTemplate example converts completely once its Rollout argument is given") {
  ImportCommand command;
  command.files = {kExamples + "analysis-template.yaml"};
  std::ostringstream out;
  std::ostringstream err;
  CHECK(runRulesImport(command, out, err) == 1);
  CHECK(out.str().empty());
  CHECK(err.str().find("argument service-name has no value (it is given by the Rollout); give "
                       "it with --arg service-name=VALUE") != std::string::npos);
  CHECK(err.str().ends_with("0 converted, 3 not converted\n"));

  command.args = {"service-name=user-service"};
  std::ostringstream out2;
  std::ostringstream err2;
  CHECK(runRulesImport(command, out2, err2) == 0);
  CHECK(err2.str().ends_with("3 converted, 0 not converted\n"));
  CHECK(loadedRules(out2.str()) == 3);
  CHECK(out2.str().find("job=\"user-service\"") != std::string::npos);
}

TEST_CASE("the Flagger example converts into a rule per bound, written to -o") {
  char pattern[] = "/tmp/nova-import-XXXXXX";
  REQUIRE(mkdtemp(pattern) != nullptr);
  const std::filesystem::path dir(pattern);
  ImportCommand command;
  command.files = {kExamples + "flagger-canary.yaml"};
  command.output = (dir / "rules.yaml").string();
  command.severity = "high";
  std::ostringstream out;
  std::ostringstream err;
  CHECK(runRulesImport(command, out, err) == 0);
  CHECK(out.str().empty());
  CHECK(err.str().ends_with("3 converted, 0 not converted\n"));
  const auto written = readFile(command.output, 1 << 20);
  REQUIRE(written.ok());
  CHECK(loadedRules(*written) == 3);
  CHECK(written->find("severity: high\n") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("bad arguments and unreadable files exit 2 and write nothing") {
  std::ostringstream out;
  std::ostringstream err;
  ImportCommand command;
  command.files = {kExamples + "flagger-canary.yaml"};
  command.args = {"novalue"};
  CHECK(runRulesImport(command, out, err) == 2);
  CHECK(err.str() == "rules import: --arg novalue: expected NAME=VALUE\n");

  command.args.clear();
  command.severity = "urgent";
  err.str("");
  CHECK(runRulesImport(command, out, err) == 2);
  CHECK(err.str() == "rules import: --severity urgent: expected critical, high, medium or low\n");

  command.severity = "critical";
  command.source = "thanos";
  err.str("");
  CHECK(runRulesImport(command, out, err) == 2);
  CHECK(err.str() == "rules import: --source thanos: expected scrape or prometheus\n");

  command.source = "scrape";
  command.files = {kExamples + "missing.yaml"};
  err.str("");
  CHECK(runRulesImport(command, out, err) == 2);
  CHECK(err.str().starts_with("rules import: "));
  CHECK(err.str().find("missing.yaml") != std::string::npos);
  CHECK(out.str().empty());
}

TEST_CASE("the scenarios' imported rule file is what the importer writes today") {
  // Converted from the repository's root, so the comments name the input as a person
  // running the command there sees it.
  const std::string input = "tests/scenarios/data/import_argo_analysis_template.yaml";
  const auto text = readFile(NOVA_SOURCE_DIR "/" + input, 1 << 20);
  const auto committed =
      readFile(NOVA_SOURCE_DIR "/tests/scenarios/data/import_argo_rules.yaml", 1 << 20);
  REQUIRE(text.ok());
  REQUIRE(committed.ok());
  const ImportInput in{input, *text};
  const ImportResult result = importRules(std::span<const ImportInput>(&in, 1), ImportOptions{});
  CHECK(result.complete());
  CHECK(result.yaml == *committed);
}

}  // namespace
}  // namespace nova::rules
