#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "nova/core/time.h"
#include "nova/rollout/svg_rasterizer.h"

namespace nova::rollout {

/// `novactl rollout`: runs the whole procedure for one version (see Engine).
struct RolloutArgs {
  std::string configFile;
  std::string version;
  std::string rolloutId;
  std::optional<std::string> takeOver;
  /// `--window-override REASON` (alias --outside-window): start outside the window.
  std::optional<std::string> windowOverride;
  /// `--skip-check NAME --reason TEXT`, repeatable: the i-th reason goes with the i-th
  /// name. Every skip needs a reason; names must be pre-flight checks of the config.
  std::vector<std::string> skipChecks;
  std::vector<std::string> skipReasons;
  /// Only print the plan: the window verdict, where traffic is, the record, the lease,
  /// what a run would do next, and the read-only pre-flight checks. Changes nothing.
  bool dryRun = false;
  /// "text" or "json" (one final document on stdout).
  std::string output = "text";
  /// A file to append one JSON line per step to ("-" for stdout); "" for none.
  std::string eventsFile;
  /// Overrides the config's report_dir.
  std::string reportDir;
  /// The whole run's bound; 0 keeps bounds.overall.
  DurationMs timeout = 0;
  /// Makes the report's PNG charts; empty: SVG only.
  SvgRasterizer png;
  /// stderr is a terminal: progress rewrites one line per phase (see ProgressPrinter).
  bool terminal = false;
};

/// `novactl status`: where traffic is (read live), the record, the lease, the window
/// verdict and the agent's verdict, in one view.
struct StatusArgs {
  std::string configFile;
  std::string output = "text";
  /// `--wait`: poll (with backoff) until the rollout reaches `waitFor` (see WaitFor), then
  /// exit with that outcome's code; kTimedOut (6) after `timeout`, saying where traffic is.
  bool wait = false;
  std::string waitFor = "done";
  /// Wait for this rollout; "" for whichever the record holds.
  std::string rolloutId;
  /// The wait's bound; 0 keeps bounds.overall.
  DurationMs timeout = 0;
  /// stderr is a terminal (progress lines rewritten in place).
  bool terminal = false;
};

/// `novactl rollback --option switch|full|staged|db` (see runRollbackOption in
/// rollback.h). Works with the agent dead and in any window; pre-empts a running rollout
/// by taking its lease. Tells the team through rollout.yaml's `notifiers:` (see
/// rollback_notify.h), with the rollout's ledgers in `<report_dir>/notify/`.
struct RollbackArgs {
  std::string configFile;
  std::string option = "switch";
  std::string reason = "manual rollback";
  /// --option staged: green's weight while watched, and how long; nullopt: the config's.
  std::optional<std::int64_t> weight;
  std::optional<DurationMs> watch;
  /// --option db: the snapshot id, which must be the record's.
  std::string confirm;
  bool dryRun = false;
  std::string output = "text";
  std::string reportDir;
  /// Makes the report's PNG charts; empty: SVG only.
  SvgRasterizer png;
  /// stderr is a terminal: progress rewrites one line per stage (see ProgressPrinter).
  bool terminal = false;
};

/// `novactl report`: the incident report from the record and the agent's /status.
struct ReportArgs {
  std::string configFile;
  /// Write it here instead of stdout.
  std::string outFile;
  /// Makes the report's PNG charts (with outFile); empty: SVG only.
  SvgRasterizer png;
};

/// Each returns the process exit code (exitCode() of the outcome; see exitCodeTable()).
/// Messages go to `err`, documents (JSON, the report) to `out`.
int runRollout(const RolloutArgs& args, std::ostream& out, std::ostream& err);
int runStatus(const StatusArgs& args, std::ostream& out, std::ostream& err);
int runRollback(const RollbackArgs& args, std::ostream& out, std::ostream& err);
int runReport(const ReportArgs& args, std::ostream& out, std::ostream& err);

}  // namespace nova::rollout
