// novactl: the CLI for CI and people. Parses arguments and calls into the library.
#include <CLI/CLI.hpp>
#include <iostream>

#include "nova/cli/eval_command.h"
#include "nova/cli/rules_commands.h"
#include "nova/core/clock.h"
#include "nova/core/time.h"

namespace {

// CLI11 validator for Prometheus-style durations ("1s", "500ms", "1m30s").
nova::DurationMs parseDurationFlag(const std::string& text, const std::string& flag) {
  const auto parsed = nova::parseDuration(text);
  if (!parsed.ok()) {
    throw CLI::ValidationError(flag, parsed.error().message);
  }
  return *parsed;
}

void addEval(CLI::App& app, nova::cli::EvalOptions& options, std::string& interval,
             std::string& timeout) {
  auto* eval = app.add_subcommand(
      "eval", "Scrape a /metrics endpoint or read a file, then evaluate a PromQL expression");
  eval->add_option("--expr,-e", options.expr, "PromQL expression")->required();
  auto* url = eval->add_option("--url", options.url, "metrics endpoint to scrape");
  auto* file = eval->add_option("--file", options.file, "exposition file (one scrape per read)");
  url->excludes(file);
  eval->add_option("--scrapes", options.scrapes, "number of scrapes")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  eval->add_option("--interval", interval, "time between scrapes")->capture_default_str();
  eval->add_option("--timeout", timeout, "per-scrape timeout")->capture_default_str();
  eval->add_option("--output,-o", options.output,
                   "table, or json as Prometheus's /api/v1/query data")
      ->capture_default_str()
      ->check(CLI::IsMember({"table", "json"}));
  eval->add_option("--job", options.job,
                   "job label for scraped series (default: none, as without a scrape config)");
  eval->add_option("--instance", options.instance,
                   "instance label for scraped series (default: none)");
  eval->add_flag("--fail-if-empty", options.failIfEmpty,
                 "exit 4 when the answer is an empty vector (a gate with nothing to judge)");
  eval->footer(
      "The expression is evaluated at the time of the last scrape with Prometheus's "
      "semantics (5m lookback, staleness). Scraped series carry job/instance labels only "
      "when --job/--instance are given; `up`, `scrape_duration_seconds` and "
      "`scrape_samples_scraped` are added like Prometheus does.\n\n"
      "Exit codes: 0 answered; 1 usage, expression or evaluation error; 3 a scrape failed "
      "(the answer is printed, with up 0); 4 empty answer with --fail-if-empty.");
}

struct RulesArgs {
  std::vector<std::string> checkFiles;
  std::string scenario;
};

CLI::App* addRules(CLI::App& app, RulesArgs& args) {
  auto* rules =
      app.add_subcommand("rules", "Validate rule files and replay scenarios through them");
  rules->require_subcommand(1);
  auto* check = rules->add_subcommand(
      "check", "Validate rule files; print each rule's severity, for and action, or every error");
  check->add_option("files", args.checkFiles, "rule files (YAML)")
      ->required()
      ->check(CLI::ExistingFile);
  auto* test = rules->add_subcommand(
      "test", "Replay a scenario's series through the rules and the policy on a simulated clock");
  test->add_option("scenario", args.scenario, "scenario file (YAML)")
      ->required()
      ->check(CLI::ExistingFile);
  return rules;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"novactl: blue-green rollouts with automatic rollback"};
  app.require_subcommand(1);
  // NOVA_VERSION comes from the build (agent/cmd/CMakeLists.txt).
  app.set_version_flag("--version", std::string("novactl ") + NOVA_VERSION);

  nova::cli::EvalOptions evalOptions;
  std::string interval = "1s";
  std::string timeout = "10s";
  addEval(app, evalOptions, interval, timeout);
  RulesArgs rulesArgs;
  CLI::App* rules = addRules(app, rulesArgs);

  try {
    app.parse(argc, argv);
    if (app.got_subcommand("eval")) {
      evalOptions.interval = parseDurationFlag(interval, "--interval");
      evalOptions.timeout = parseDurationFlag(timeout, "--timeout");
      return nova::cli::runEval(evalOptions, std::cout, std::cerr, nova::SystemClock());
    }
    if (rules->got_subcommand("check")) {
      return nova::cli::runRulesCheck(rulesArgs.checkFiles, std::cout, std::cerr);
    }
    if (rules->got_subcommand("test")) {
      return nova::cli::runRulesTest(rulesArgs.scenario, std::cout, std::cerr);
    }
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return 0;
}
