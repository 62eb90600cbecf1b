// novactl: the CLI for CI and people. Parses arguments and calls into the library.
#include <spdlog/cfg/env.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <optional>

#include "nova/cli/eval_command.h"
#include "nova/cli/rules_commands.h"
#include "nova/core/clock.h"
#include "nova/core/time.h"
#include "nova/rollout/commands.h"
#include "nova/rollout/exit_code.h"
#include "nova/rollout/progress.h"
#include "nova/rollout/status_wait.h"
#include "nova/rollout/svg_rasterizer.h"
#include "nova/rules/import_command.h"

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
  auto* prometheus =
      eval->add_option("--prometheus", options.prometheus,
                       "evaluate remotely: base URL of a Prometheus-compatible query API");
  url->excludes(file);
  prometheus->excludes(url)->excludes(file);
  eval->add_option("--tenant", options.tenant, "X-Scope-OrgID for --prometheus (Cortex, Mimir)");
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
      "With --prometheus URL the expression goes to URL/api/v1/query (a form POST at the "
      "current time, --timeout bounding it) and the answer prints the same way.\n\n"
      "Exit codes: 0 answered; 1 usage, expression or evaluation error (a 400 or 422 from "
      "--prometheus too); 3 a scrape failed (the answer is printed, with up 0) or the remote "
      "query failed (unreachable, timeout, 5xx, bad answer, partial response); 4 empty answer "
      "with --fail-if-empty.");
}

struct RulesArgs {
  std::vector<std::string> checkFiles;
  std::string checkUrl;
  std::string scenario;
};

CLI::App* addRules(CLI::App& app, RulesArgs& args) {
  auto* rules = app.add_subcommand(
      "rules", "Validate rule files, replay scenarios through them, import other tools' analyses");
  rules->require_subcommand(1);
  auto* check = rules->add_subcommand(
      "check", "Validate rule files; print each rule's severity, for and action, or every error");
  check->add_option("files", args.checkFiles, "rule files (YAML)")
      ->required()
      ->check(CLI::ExistingFile);
  check->add_option("--url", args.checkUrl,
                    "a live target's /metrics: check quantile thresholds and bucket selectors "
                    "against the histogram buckets it exposes");
  check->footer(
      "Exit codes: 0 every file valid (and, with --url, no bucket warning); 1 a file is "
      "invalid or the target cannot be read; 2 the files are valid but a rule cannot work "
      "against the target's buckets (a quantile threshold at or above the highest finite "
      "bucket can never fire; a bucket selector over an le the target lacks is empty). A "
      "threshold between two buckets (interpolation) is a note and keeps 0.");
  auto* test = rules->add_subcommand(
      "test", "Replay a scenario's series through the rules and the policy on a simulated clock");
  test->add_option("scenario", args.scenario, "scenario file (YAML)")
      ->required()
      ->check(CLI::ExistingFile);
  return rules;
}

// The rollout commands' arguments; durations stay text until parsed after parse().
struct RolloutCommands {
  nova::rollout::RolloutArgs rollout;
  std::string timeout = "0s";
  nova::rollout::StatusArgs status;
  std::string statusTimeout = "0s";
  nova::rollout::RollbackArgs rollback;
  std::string rollbackWatch;
  nova::rollout::ReportArgs report;
};

void addRolloutCommands(CLI::App& app, RolloutCommands& a) {
  const std::string codes = nova::rollout::exitCodeTable();
  auto* r = app.add_subcommand("rollout",
                               "Run the deployment runbook for one version: "
                               "pre-flight, snapshot, deploy, smoke, switch, monitor, "
                               "clean up blue; a re-run with the same id resumes");
  r->add_option("--config,-f", a.rollout.configFile, "rollout.yaml")->required();
  r->add_option("--version", a.rollout.version, "version to roll out (v1.2.4)")->required();
  r->add_option("--rollout-id", a.rollout.rolloutId, "id of this rollout")->required();
  r->add_option("--take-over", a.rollout.takeOver, "take over the unfinished rollout ID");
  r->add_option("--window-override,--outside-window", a.rollout.windowOverride,
                "start outside the deployment window; the reason is recorded");
  r->add_option("--skip-check", a.rollout.skipChecks,
                "skip pre-flight check NAME (repeatable; each needs its own --reason); "
                "recorded as skipped with who and why")
      ->expected(1);
  r->add_option("--reason", a.rollout.skipReasons,
                "why the --skip-check before it is skipped (recorded, reported, sent to the team)")
      ->expected(1);
  r->add_flag("--dry-run", a.rollout.dryRun,
              "print the plan and the read-only pre-flight checks' results; change nothing");
  r->add_option("--output,-o", a.rollout.output, "text, or json for one final document")
      ->check(CLI::IsMember({"text", "json"}));
  r->add_option("--events", a.rollout.eventsFile, "append JSON lines of steps here (- = stdout)");
  r->add_option("--report-dir", a.rollout.reportDir, "where reports and backups go");
  r->add_option("--timeout", a.timeout, "bound on the whole run (0 = bounds.overall)");
  r->footer(codes);
  auto* s = app.add_subcommand("status",
                               "Where traffic is (read live), the rollout record, the "
                               "lease, the window and the agent's verdict");
  s->add_option("--config,-f", a.status.configFile, "rollout.yaml")->required();
  s->add_option("--output,-o", a.status.output, "text or json")
      ->check(CLI::IsMember({"text", "json"}));
  s->add_flag("--wait", a.status.wait,
              "poll until the rollout reaches --for, then exit with its outcome's code");
  s->add_option("--for", a.status.waitFor,
                "with --wait: " + nova::rollout::waitForChoices() + " (default done)")
      ->check(CLI::IsMember({"done", "succeeded", "switched", "rolled_back"}));
  s->add_option("--rollout-id", a.status.rolloutId,
                "with --wait: wait for this rollout, not whichever the record holds");
  s->add_option("--timeout", a.statusTimeout, "with --wait: bound (0 = bounds.overall)");
  s->footer(
      "With --wait: done/succeeded end at the first end or stop (done 0, failed before the "
      "switch 3, rolled back 4, needs a person 7, parked 8); switched exits 0 once green "
      "serves; rolled_back exits 4 once traffic is back on blue. A timeout exits 6 and says "
      "where traffic is.\n" +
      codes);
  auto* b = app.add_subcommand("rollback",
                               "Roll back: in any window, with the agent alive or dead, "
                               "pre-empting a running rollout; a re-run continues where "
                               "the record says the last one stopped");
  b->add_option("--config,-f", a.rollback.configFile, "rollout.yaml")->required();
  b->add_option("--option", a.rollback.option,
                "switch (default): scale blue back to its recorded replicas, wait until "
                "ready, flip to blue, verify; full: switch, then remove green "
                "(rollback.full.remove_green, or scale green's Deployment to 0); staged: set "
                "green's weight, watch green's error rate, then go to 0 or park (exit 8); "
                "db: run rollback.db.restore, only with --confirm")
      ->check(CLI::IsMember({"switch", "full", "staged", "db"}));
  b->add_option("--weight", a.rollback.weight,
                "staged: green's share in percent while watched (default "
                "rollback.staged.weight, 25)")
      ->check(CLI::Range(1, 99));
  b->add_option("--watch", a.rollbackWatch,
                "staged: how long green's error rate is watched (default rollback.staged.watch)");
  b->add_option("--confirm", a.rollback.confirm,
                "db: the snapshot id to restore; must equal the one the rollout recorded");
  b->add_option("--reason", a.rollback.reason, "why, recorded and reported");
  b->add_flag("--dry-run", a.rollback.dryRun,
              "print the steps with the exact patches and commands; change nothing");
  b->add_option("--output,-o", a.rollback.output, "text or json")
      ->check(CLI::IsMember({"text", "json"}));
  b->add_option("--report-dir", a.rollback.reportDir, "where the report goes");
  b->footer(
      "Exits 0 once traffic is verified on blue (switch, full, staged going to 0), when db "
      "restored the snapshot, or when a dry run printed its plan; 8 when a staged rollback "
      "parks at its weight (run it again to send green to 0); 2 when the option cannot run "
      "here (staged on kubernetes-ingress, db without the recorded snapshot id as "
      "--confirm); 7 when a step failed and a person must look (blue stays warm); 130/143 "
      "when stopped at a step boundary (run it again to continue).\n\n"
      "The team hears of it through rollout.yaml's notifiers: the start, traffic on blue, "
      "green removed, parked, green at 0, the database restored, a failure; each once per "
      "rollout (dedup key <rollout id>:rollback_<option>_<event>, ledgers in "
      "<report_dir>/notify/). A failing notifier never changes the exit code. Progress goes "
      "to stderr: rewritten in place on a terminal, plain lines elsewhere.\n" +
      codes);
  auto* p = app.add_subcommand("report",
                               "Render the rollout's report from its record and the "
                               "agent's incident, with the incident's charts");
  p->add_option("--config,-f", a.report.configFile, "rollout.yaml")->required();
  p->add_option("--out", a.report.outFile,
                "write the report to FILE.md instead of stdout, with the charts beside it");
  p->footer(
      "With --out, beside FILE.md: one SVG per chart (FILE-latency.svg, -errors, "
      "-websockets, -db: the agent's data around the incident, threshold, breaches and "
      "decisions marked), each as PNG for chat tools (in builds with librsvg), and FILE.html, the "
      "report with the "
      "charts inline. The reports that rollout (exit 4) and rollback write into report_dir "
      "carry the same files. When the agent cannot be reached the report says why the "
      "charts are missing; the exit code does not change.");
}

// The exit code of the rollout command that ran, or nullopt when none did.
std::optional<int> dispatchRolloutCommands(CLI::App& app, RolloutCommands& a) {
  a.rollout.png = a.rollback.png = a.report.png = nova::rollout::rsvgConvert();
  if (app.got_subcommand("rollout")) {
    a.rollout.timeout = parseDurationFlag(a.timeout, "--timeout");
    a.rollout.terminal = nova::rollout::isProgressTerminal(STDERR_FILENO);
    return nova::rollout::runRollout(a.rollout, std::cout, std::cerr);
  }
  if (app.got_subcommand("status")) {
    a.status.timeout = parseDurationFlag(a.statusTimeout, "--timeout");
    a.status.terminal = nova::rollout::isProgressTerminal(STDERR_FILENO);
    return nova::rollout::runStatus(a.status, std::cout, std::cerr);
  }
  if (app.got_subcommand("rollback")) {
    if (!a.rollbackWatch.empty()) {
      a.rollback.watch = parseDurationFlag(a.rollbackWatch, "--watch");
    }
    a.rollback.terminal = nova::rollout::isProgressTerminal(STDERR_FILENO);
    return nova::rollout::runRollback(a.rollback, std::cout, std::cerr);
  }
  if (app.got_subcommand("report")) {
    return nova::rollout::runReport(a.report, std::cout, std::cerr);
  }
  return std::nullopt;
}

}  // namespace

int main(int argc, char** argv) {
  // Log lines go to stderr: stdout carries what a command answers (-o json, --events jsonl,
  // rules and reports), which a CI step parses whole. Warnings and errors only: the progress
  // lines already say each step; SPDLOG_LEVEL=info shows the engine's own lines too.
  spdlog::set_default_logger(std::make_shared<spdlog::logger>(
      "", std::make_shared<spdlog::sinks::stderr_color_sink_mt>()));
  spdlog::set_level(spdlog::level::warn);
  spdlog::cfg::load_env_levels();
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
  nova::rules::ImportCommand importArgs;
  auto* import = rules->add_subcommand(
      "import", "Convert Argo Rollouts AnalysisTemplates and Flagger Canaries into a rule file");
  import->add_option("files", importArgs.files, "input files (YAML)")->required();
  import->add_option("-o,--output", importArgs.output, "rule file to write (default: stdout)");
  import->add_option("--arg", importArgs.args, "NAME=VALUE for a template placeholder");
  import->add_option("--severity", importArgs.severity, "severity of the rules")
      ->capture_default_str();
  import->add_option("--source", importArgs.source, "scrape or prometheus")->capture_default_str();
  RolloutCommands rolloutCommands;
  addRolloutCommands(app, rolloutCommands);

  try {
    app.parse(argc, argv);
    if (app.got_subcommand("eval")) {
      evalOptions.interval = parseDurationFlag(interval, "--interval");
      evalOptions.timeout = parseDurationFlag(timeout, "--timeout");
      return nova::cli::runEval(evalOptions, std::cout, std::cerr, nova::SystemClock());
    }
    if (rules->got_subcommand("check")) {
      return nova::cli::runRulesCheck(rulesArgs.checkFiles, std::cout, std::cerr,
                                      rulesArgs.checkUrl);
    }
    if (rules->got_subcommand("test")) {
      return nova::cli::runRulesTest(rulesArgs.scenario, std::cout, std::cerr);
    }
    if (rules->got_subcommand("import")) {
      return nova::rules::runRulesImport(importArgs, std::cout, std::cerr);
    }
    if (auto code = dispatchRolloutCommands(app, rolloutCommands)) {
      return *code;
    }
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    // Usage errors of the rollout commands use the table's usage code.
    return code == 0 ? 0 : nova::rollout::exitCode(nova::rollout::Outcome::kUsage);
  }
  return 0;
}
