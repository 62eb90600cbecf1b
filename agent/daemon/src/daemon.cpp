#include "nova/daemon/daemon.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <limits>
#include <map>
#include <thread>
#include <utility>

#include "blue_baseline.h"
#include "daemon_shared.h"
#include "dashboard_builder.h"
#include "incident_chart_keeper.h"
#include "leader_elector.h"
#include "nova/core/files.h"
#include "nova/core/rfc3339.h"
#include "nova/core/timeline.h"
#include "nova/notify/router.h"
#include "nova/remote/rounds.h"
#include "nova/remote/rule_sources.h"
#include "nova/rules/rule_files.h"
#include "nova/rules/selected_names.h"
#include "nova/scrape/ingest.h"
#include "nova/watch/policy_setup.h"
#include "record_watcher.h"
#include "signals.h"
#include "state_file.h"
#include "targets.h"

namespace nova::daemon {
namespace {

// Bounds of a graceful stop: the worker gets this long to drain after the server stopped.
constexpr DurationMs kDrainBound = 1200;
// After a scrape's tick, the interval-driven tick waits this much longer, so a scrape due
// at the same moment (and a little late) keeps the ticks on the scrape grid.
constexpr DurationMs kEvalGrace = 250;

// Connections the probe listener keeps open at most: the kubelet's liveness and readiness
// probes need two, a person's curl a few more.
constexpr std::size_t kProbeConnections = 16;

// A dashboard document younger than this is served again: a flood of page refreshes costs
// one build per period.
constexpr DurationMs kDashboardMaxAge = 2 * kSecond;

// Where the agent keeps what must survive a restart: beside its state file; "" without one.
std::string stateDirOf(const AgentConfig& config) {
  return config.stateFile.empty() ? std::string()
                                  : std::filesystem::path(config.stateFile).parent_path().string();
}

// The rule files, whose remote rules must each name a configured source.
Result<rules::RuleSet> loadRuleFiles(const AgentConfig& config) {
  auto ruleSet = rules::loadRuleFiles(config.ruleFiles, [](const std::string& path) {
    return readFile(path, rules::kMaxRuleFileBytes);
  });
  if (ruleSet.ok()) {
    if (Status s = remote::checkRuleSources(*ruleSet, remote::SourceSet(config.sources)); !s) {
      return s.error();
    }
  }
  return ruleSet;
}

struct Parts {
  rules::RuleSet ruleSet;
  policy::Escalator escalator;
  /// The arming in effect: kAuto falls back to kAlways for a switch without a record.
  ArmingMode arming = ArmingMode::kAlways;
  /// Reads the rollout record; null for kAlways.
  std::unique_ptr<detail::RecordWatcher> records;
  /// The state file, for kAuto and kRecord (kAlways restored it into `escalator`).
  std::optional<StoredState> restored;
  traffic::SwitchPtr sw;
  /// The one notifier: routes by severity, dedups by incident across restarts.
  std::unique_ptr<notify::Router> router;
  /// `escalator` came from the state file (kAlways).
  bool restoredEscalator = false;
  /// Where target.discovery reaches the API server; nullopt without discovery.
  std::optional<kube::ClusterConfig> discoveryCluster;
  /// Where baseline.discovery reaches the API server; nullopt without it.
  std::optional<kube::ClusterConfig> baselineCluster;
};

// Only series some rule or chart of the dashboard can select are stored; null (keep all)
// when a selector has no fixed metric name.
std::shared_ptr<const scrape::MetricNameFilter> metricFilter(
    const rules::RuleSet& ruleSet, const detail::DashboardBuilder& dashboard) {
  auto names = rules::selectedMetricNames(ruleSet);
  const auto charted = dashboard.selectedMetricNames();
  if (!names || !charted) {
    spdlog::info(
        "a rule or chart selects series without a fixed metric name: storing every "
        "series");
    return nullptr;
  }
  names->insert(names->end(), charted->begin(), charted->end());
  std::sort(names->begin(), names->end());
  names->erase(std::unique(names->begin(), names->end()), names->end());
  spdlog::info("storing only the {} metric names the rules and the dashboard's charts select",
               names->size());
  return std::make_shared<const scrape::MetricNameFilter>(std::move(*names));
}

// The oldest moment the store holds: its newest sample minus its retention; nullopt while
// it is empty or keeps everything.
std::optional<TimestampMs> oldestStored(const tsdb::Storage& storage) {
  const auto newest = storage.newestTimestamp();
  if (!newest || storage.limits().retention <= 0) {
    return std::nullopt;
  }
  return *newest - storage.limits().retention;
}

Result<Parts> buildParts(const AgentConfig& config, TimestampMs now, const Clock& clock,
                         Random& random) {
  auto ruleSet = loadRuleFiles(config);
  if (!ruleSet.ok()) {
    return ruleSet.error();
  }
  auto policy = watch::effectivePolicy(*ruleSet, config.policyYaml);
  if (!policy.ok()) {
    return policy.error();
  }
  ArmingMode arming = config.armingMode;
  std::unique_ptr<detail::RecordWatcher> records;
  if (arming != ArmingMode::kAlways) {
    auto made = detail::RecordWatcher::make(config.switchConfig, config.armingInterval, clock);
    if (made.ok()) {
      records = std::move(made).value();
    } else if (arming == ArmingMode::kRecord) {
      return made.error().prefixed("arming: ");
    } else {
      spdlog::info("arming: the {} switch carries no rollout record; always armed",
                   config.switchConfig.type);
      arming = ArmingMode::kAlways;
    }
  }
  std::optional<StoredState> stored;
  if (auto text = detail::readStateFile(config.stateFile)) {
    auto decoded = decodeStoredState(*text);
    if (decoded.ok()) {
      stored = std::move(decoded).value();
    } else {
      spdlog::error("state file {} not restored, starting fresh: {}", config.stateFile,
                    decoded.error().message);
    }
  }
  // Only a guard armed from the start restores here; otherwise the state waits for the
  // arming of its rollout id, and the agent starts in shadow with a fresh escalator.
  std::optional<std::string> snapshot;
  if (stored && arming == ArmingMode::kAlways) {
    snapshot = stored->escalator;
  }
  bool restoredEscalator = snapshot.has_value();
  auto escalator =
      watch::makeEscalator(*ruleSet, *policy, config.trafficSwitchedAt.value_or(now), snapshot);
  if (!escalator.ok() && snapshot) {
    // A state file that does not restore must not keep the agent from watching.
    spdlog::error("state file {} not restored, starting fresh: {}", config.stateFile,
                  escalator.error().message);
    escalator = watch::makeEscalator(*ruleSet, *policy, config.trafficSwitchedAt.value_or(now), {});
    restoredEscalator = false;
  } else if (snapshot) {
    spdlog::info("restored escalator state from {}", config.stateFile);
  }
  if (!escalator.ok()) {
    return escalator.error();
  }
  auto sw = traffic::makeSwitch(config.switchConfig, clock, random);
  if (!sw.ok()) {
    return sw.error();
  }
  notify::NotifyDeps deps;
  if (!config.stateFile.empty()) {
    // Delivery ledgers live beside the escalator's state, so a restart pages no one twice.
    deps.stateDir = stateDirOf(config);
  }
  auto router = notify::Router::fromConfigs(config.notifiers, deps);
  if (!router.ok()) {
    return router.error();
  }
  auto cluster = detail::discoveryCluster(config);
  if (!cluster.ok()) {
    return cluster.error();
  }
  auto blueCluster = detail::baselineCluster(config);
  if (!blueCluster.ok()) {
    return blueCluster.error();
  }
  if (const auto& le = config.leaderElection) {
    // Found at start (and by --check-config), not at the first round.
    if (auto c = detail::clusterFor("leader_election", le->server, le->kubeconfig, le->context,
                                    le->tokenFile);
        !c.ok()) {
      return c.error();
    }
  }
  if (arming == ArmingMode::kAlways) {
    stored.reset();
  }
  return Parts{std::move(ruleSet).value(),
               std::move(escalator).value(),
               arming,
               std::move(records),
               std::move(stored),
               std::move(sw).value(),
               std::move(router).value(),
               restoredEscalator,
               std::move(cluster).value(),
               std::move(blueCluster).value()};
}

class Daemon {
 public:
  Daemon(const AgentConfig& config, std::string_view version, Parts parts)
      : config_(config),
        metrics_(version),
        queue_(config.actionQueueCapacity, clock_),
        parts_(std::move(parts)),
        targets_(config, parts_.discoveryCluster, storage_, timeline_, clock_),
        inbox_(clock_, [this] { targets_.wakeup(); }),
        dashboardCache_(
            clock_, [this] { targets_.wakeup(); }, kDashboardMaxAge),
        dashboard_({config.switchConfig.type + " switch", config.apiToken.has_value(),
                    config.target.metricsInterval}),
        incidentCharts_(stateDirOf(config)),
        stateWriter_(config.stateFile, [this] { metrics_.stateWriteFailed(); }),
        api_{clock_,           metrics_,
             published_,       inbox_,
             config.apiToken,  2 * kSecond,
             &dashboardCache_, 3 * kSecond,
             &incidentCharts_, {{"api", &apiConnections_}}},
        journal_(journalPathFor(config.stateFile)) {
    if (config.probeListenPort) {
      api_.listeners.emplace_back("probe", &probeConnections_);
    }
  }

  // The record watcher's and discovery's threads wake the loop: they stop before any
  // member goes, on every way out of run().
  ~Daemon() {
    elector_.reset();
    parts_.records.reset();
    targets_.stop();
  }
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  int run();

 private:
  void startRemote(ControllerOptions& options);
  Status startLeaderElection(ControllerOptions& options);
  Result<std::unique_ptr<http::Server>> startProbeListener();
  void loop();
  void workerLoop();
  void iteration(MonoTime& nextEval);
  void reload();
  void publish();
  void persist();
  void setDashboardRules();
  void buildDashboard();
  void buildDashboard(const dashboard::ChartRange& range);
  void keepIncidentCharts();
  void baselineTick(TimestampMs at);

  const AgentConfig& config_;
  SystemClock clock_;
  // Wall time at start advanced by monotonic time: what samples, ticks and decisions are
  // stamped with, so a wall-clock step while running moves no schedule and no decision.
  Timeline timeline_{clock_};
  tsdb::Storage storage_;
  AgentMetrics metrics_;
  ActionQueue queue_;
  Parts parts_;
  detail::Targets targets_;
  detail::Published published_;
  detail::Inbox inbox_;
  detail::DashboardCache dashboardCache_;
  detail::DashboardBuilder dashboard_;
  detail::IncidentCharts incidentCharts_;
  detail::IncidentChartKeeper chartKeeper_{incidentCharts_, &metrics_};
  detail::StateWriter stateWriter_;
  http::ConnectionCounters apiConnections_;
  http::ConnectionCounters probeConnections_;
  detail::ApiContext api_;
  Journal journal_;
  // Remote rules' queries run on its thread, ahead of the ticks (remote/rounds.h); null
  // without `sources:`. Declared before the controller, which calls it.
  std::unique_ptr<remote::RemoteRounds> remote_;
  // Blue scraped for the baseline; null without `baseline:`.
  std::unique_ptr<detail::BlueBaseline> blue_;
  std::optional<Controller> controller_;
  // Leader election's rounds on their own thread; null without leader_election. Stopped
  // (releasing a held Lease) after the worker drained, so a stop finishes what it began.
  std::unique_ptr<detail::LeaderElector> elector_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> reloadWanted_{false};
  // The worker's drain deadline (monotonic ms) once stopping; kNoDeadline before.
  static constexpr std::int64_t kNoDeadline = std::numeric_limits<std::int64_t>::max();
  std::atomic<std::int64_t> drainDeadline_{kNoDeadline};
  // Set (under its mutex) when the worker thread has returned, so a stop waits for it
  // with a bound.
  Wakeup workerExit_{clock_};
  bool workerDone_ = false;
  std::string lastSnapshot_;
};

int Daemon::run() {
  ControllerOptions options;
  options.watch.statusUrl = config_.statusUrl;
  options.configJson = describe(config_);
  options.arming = parts_.arming;
  options.restored = std::move(parts_.restored);
  options.journal = &journal_;
  options.timeline = &timeline_;
  if (parts_.restoredEscalator) {
    options.restoredFromFuture = reanchorRestoredState(parts_.escalator, timeline_.now());
  }
  if (!config_.sources.empty()) {
    startRemote(options);
  }
  if (Status s = startLeaderElection(options); !s) {
    spdlog::error("{}", s.error().message);
    return 1;
  }
  if (config_.baseline) {
    blue_ = detail::startBlueBaseline(*config_.baseline, storage_, timeline_, metrics_,
                                      stateDirOf(config_), parts_.baselineCluster, clock_);
    options.baselineJson = [this] { return blue_->statusJson(); };
  } else {
    options.baselineJson = [] { return detail::unconfiguredBaselineJson(); };
  }
  controller_.emplace(std::move(parts_.ruleSet), std::move(parts_.escalator), storage_, clock_,
                      queue_, metrics_, options);
  if (parts_.records) {
    // Armed or not before the first tick: a restart never acts on a stale guess.
    controller_->sighted(parts_.records->readNow());
    parts_.records->start([this] { targets_.wakeup(); });
  }
  spdlog::info("arming: {} ({})", toString(parts_.arming),
               controller_->armedFor() ? "armed" : "shadow");
  setDashboardRules();
  targets_.setMetricFilter(metricFilter(controller_->ruleSet(), dashboard_));
  // /status has its full shape from the first request on, even while the first scrape of a
  // slow target is still under way.
  publish();
  detail::SignalWatcher signals(
      [this] {
        stopping_ = true;
        targets_.wakeup();
      },
      [this] {
        reloadWanted_ = true;
        targets_.wakeup();
      });
  http::ServerOptions serverOptions;
  serverOptions.address = config_.listenAddress;
  serverOptions.port = config_.listenPort;
  serverOptions.maxBodyBytes = 16 * 1024;
  serverOptions.counters = &apiConnections_;
  auto server = http::Server::start(serverOptions, detail::makeApiHandler(api_));
  if (!server.ok()) {
    spdlog::error("{}", server.error().message);
    return 1;
  }
  std::cout << "listening on " << config_.listenAddress << ":" << (*server)->port() << std::endl;
  auto probeServer = startProbeListener();
  if (!probeServer.ok()) {
    spdlog::error("{}", probeServer.error().message);
    return 1;
  }
  const std::string watching =
      config_.discovery ? "the ready pods of service " + config_.discovery->kubernetes.service
      : !config_.targetUrls.empty()
          ? std::to_string(config_.targetUrls.size()) + " static targets"
          : config_.target.healthUrl + " and " + config_.target.metricsUrl;
  spdlog::info("nova-agent watching {}; switch {}; command API {}", watching,
               config_.switchConfig.type, config_.apiToken ? "on" : "off");
  std::thread worker([this] {
    workerLoop();
    std::lock_guard lock(workerExit_.mutex());
    workerDone_ = true;
    workerExit_.notifyAll();
  });
  targets_.start();
  loop();
  parts_.records.reset();  // no more reads once the loop is done
  targets_.stop();
  // Graceful stop: no new commands, drain the worker with a bound, keep the state.
  (*server)->stop();
  if (*probeServer) {
    (**probeServer).stop();
  }
  drainDeadline_ = (clock_.monoNow() + kDrainBound).ms();
  queue_.close();
  bool workerDone = false;
  {
    std::unique_lock lock(workerExit_.mutex());
    workerDone = workerExit_.waitFor(lock, kDrainBound + kSecond, [this] { return workerDone_; });
  }
  if (!workerDone) {
    // The worker is inside a flip that hangs (a reload or a verification that does not
    // answer). Its decision is in the state file, so the next start carries the rollback
    // out; waiting here would hold the stop for up to the switch's own timeout. The worker
    // still uses this object, so the process ends without unwinding: every journal line,
    // state and outbox entry is already on disk.
    persist();
    spdlog::warn(
        "stopping while a rollback is still being carried out; the next start "
        "finishes it");
    spdlog::info("nova-agent stopped");
    spdlog::shutdown();
    std::cout.flush();
    std::_Exit(0);
  }
  worker.join();
  for (auto& report : inbox_.takeReports()) {
    controller_->rollbackFinished(report);
  }
  elector_.reset();
  persist();
  spdlog::info("nova-agent stopped");
  return 0;
}

// A tick hands its remote queries to the rounds' thread and judges the newest completed
// round: the tick never waits on a remote source, so a slow one delays no local rule.
void Daemon::startRemote(ControllerOptions& options) {
  remote::RoundOptions rounds;
  rounds.maxConcurrent = config_.remoteConcurrency;
  rounds.maxAge = config_.remoteMaxAge;
  remote_ = std::make_unique<remote::RemoteRounds>(
      remote::SourceSet(config_.sources), rounds, clock_,
      [this, last = std::map<std::string, remote::Outcome>()](
          const std::string& source, remote::Outcome outcome, DurationMs took) mutable {
        metrics_.remoteQuery(source, remote::toString(outcome), took);
        // A change of a source's outcome is logged, not every query of every tick.
        const auto [it, first] = last.emplace(source, outcome);
        if ((first && outcome != remote::Outcome::kOk) || (!first && it->second != outcome)) {
          it->second = outcome;
          spdlog::warn("remote source {}: queries now end {} ({} ms; reasons on /status)", source,
                       remote::toString(outcome), took);
        }
      });
  // The first tick waits for the first round (at most its budget), so the agent does not
  // start by judging every remote rule unknown; later ticks never wait.
  options.remoteAnswers = [this, first = true](const rules::RuleSet& ruleSet,
                                               TimestampMs at) mutable {
    const std::vector<rules::RemoteQuery> wanted = rules::remoteQueries(ruleSet);
    if (std::exchange(first, false)) {
      remote_->request(wanted, at);
      remote_->waitIdle(remote_->budget() + kSecond);
      return remote_->answersFor(wanted, at);
    }
    rules::RemoteAnswers answers = remote_->answersFor(wanted, at);
    remote_->request(wanted, at);
    return answers;
  };
  options.sourcesJson = [this] {
    return remote::sourcesJson(remote::SourceSet(config_.sources), remote_->status());
  };
  spdlog::info("remote sources: {} configured, at most {} queries at once", config_.sources.size(),
               config_.remoteConcurrency);
}

// With several agents beside one green, the Lease says which one acts; the others follow
// in shadow (Controller).
Status Daemon::startLeaderElection(ControllerOptions& options) {
  if (!config_.leaderElection) {
    return {};
  }
  auto made = detail::LeaderElector::make(*config_.leaderElection, clock_, metrics_);
  if (!made.ok()) {
    return made.error();
  }
  elector_ = std::move(made).value();
  if (parts_.arming != ArmingMode::kRecord && !config_.trafficSwitchedAt) {
    spdlog::warn(
        "leader election: while no rollout record is read and without traffic_switched_at, "
        "each agent anchors its incidents to its own start, so a new leader's incident ids "
        "(and notification dedup keys) differ from the old leader's");
  }
  options.leading = [this] { return elector_->leading(); };
  options.leaderJson = [this] { return elector_->statusJson(); };
  elector_->start([this] { targets_.wakeup(); });
  return {};
}

// The kubelet's probes get a listener of their own, small and answering nothing else, so
// a flood of the main port cannot fail them. Null when probe_listen is not configured.
Result<std::unique_ptr<http::Server>> Daemon::startProbeListener() {
  if (!config_.probeListenPort) {
    return std::unique_ptr<http::Server>();
  }
  http::ServerOptions options;
  options.address = config_.probeListenAddress;
  options.port = *config_.probeListenPort;
  options.maxBodyBytes = 1024;
  options.maxConnections = kProbeConnections;
  options.counters = &probeConnections_;
  auto server = http::Server::start(options, detail::makeProbeHandler(api_));
  if (server.ok()) {
    std::cout << "probes on " << options.address << ":" << (*server)->port() << std::endl;
  }
  return server;
}

void Daemon::loop() {
  // The first tick waits for the first scrape (due at once), so ticks start on its grid.
  MonoTime nextEval = clock_.monoNow() + config_.evalInterval + kEvalGrace;
  while (!stopping_) {
    iteration(nextEval);
  }
}

void Daemon::iteration(MonoTime& nextEval) {
  const MonoTime now = clock_.monoNow();
  published_.heartbeat = now.ms();
  // The prober keeps its schedule on the time line; the loop's own deadline is monotonic.
  const DurationMs untilProbe =
      std::min(targets_.nextDue(), blue_ ? blue_->nextDue() : targets_.nextDue()) - timeline_.now();
  const DurationMs wait = std::min(untilProbe, nextEval - now);
  std::optional<TimestampMs> scrapedAt;
  bool changed = targets_.refresh(metrics_);
  for (const auto& event : targets_.poll(std::clamp<DurationMs>(wait, 0, kSecond))) {
    controller_->observe(event);
    if (event.kind == scrape::ProbeEvent::Kind::kScrape) {
      scrapedAt = event.at;
    }
    if (!event.ok) {
      spdlog::debug("{} failed: {}", scrape::toString(event.kind), event.error);
    }
  }
  if (blue_) {
    blue_->poll(0);  // the wait above was green's targets'
  }
  published_.ready = controller_->ready();
  for (auto& report : inbox_.takeReports()) {
    controller_->rollbackFinished(report);
    changed = true;
  }
  if (parts_.records) {
    if (auto sighting = parts_.records->take()) {
      const auto before = controller_->armedFor();
      controller_->sighted(*sighting);
      changed = changed || before != controller_->armedFor();
    }
  }
  for (auto& pending : inbox_.takeCommands()) {
    inbox_.answer(pending, controller_->command(pending.command));
    changed = true;
  }
  if (reloadWanted_.exchange(false)) {
    reload();
    changed = true;
  }
  // Evaluate after every scrape, at its timestamp; without scrapes (a hung or slow
  // target) at least every eval interval, so health probes are still judged.
  if (scrapedAt) {
    baselineTick(*scrapedAt);
    controller_->tickAt(*scrapedAt);
    nextEval = clock_.monoNow() + config_.evalInterval + kEvalGrace;
    changed = true;
  } else if (clock_.monoNow() >= nextEval) {
    baselineTick(timeline_.now());
    controller_->tick();
    nextEval = clock_.monoNow() + config_.evalInterval;
    changed = true;
  }
  // Before /status says "rolled back", so a report that reads it finds the charts.
  keepIncidentCharts();
  if (changed) {
    persist();
    publish();
  }
  // Here, on the loop thread, nothing writes the store while the charts read it.
  if (dashboardCache_.wanted()) {
    buildDashboard();
  }
  if (const auto range = dashboardCache_.takeWantedRange()) {
    buildDashboard(*range);
  }
  if (const auto oldest = oldestStored(storage_)) {
    published_.oldestStored = *oldest;
  }
}

// The baseline freezes at the switch of the rollout the agent guards (none in shadow) and
// its series are in the store before the rules read it.
void Daemon::baselineTick(TimestampMs at) {
  if (!blue_) {
    return;
  }
  const auto& armed = controller_->armedFor();
  blue_->tick(armed ? std::optional<TimestampMs>(armed->switchedAt) : std::nullopt, at);
}

void Daemon::workerLoop() {
  ActionExecutor executor(*parts_.sw, *parts_.router, &metrics_, clock_);
  while (true) {
    if (clock_.monoNow().ms() > drainDeadline_.load()) {
      if (queue_.size() > 0) {
        spdlog::warn("stopping with {} actions not carried out", queue_.size());
      }
      return;
    }
    // Woken at once by an action or by close(); otherwise once a second for the router's
    // periodic work (Alertmanager re-sends, at least 1 s apart): a sidecar idles cheaply.
    auto item = queue_.pop(kSecond);
    parts_.router->tick(clock_.now());  // never blocks
    if (!item) {
      if (drainDeadline_.load() != kNoDeadline) {
        parts_.router->flush(kSecond);  // bounded: SIGTERM must finish within 2 s
        return;                         // closed and empty
      }
      continue;
    }
    if (elector_ && !elector_->leading()) {
      // The gate at the last moment: a leader past its renew deadline carries out nothing.
      spdlog::warn("leader election: not leading, an action queued while leading is dropped");
      continue;
    }
    if (std::holds_alternative<watch::RollbackAction>(*item)) {
      for (auto& notification : queue_.takeNotifications()) {
        executor.run(ActionItem{std::move(notification)});  // to the outbox before the flip
      }
    }
    if (auto report = executor.run(*item)) {
      inbox_.report(std::move(*report));
    }
  }
}

void Daemon::reload() {
  spdlog::info("SIGHUP: reloading rule files");
  auto ruleSet = loadRuleFiles(config_);
  if (!ruleSet.ok()) {
    spdlog::error("rule reload failed, keeping the old rules:\n{}", ruleSet.error().message);
    return;
  }
  if (Status s = controller_->replaceRules(std::move(ruleSet).value(), config_.policyYaml); !s) {
    spdlog::error("rule reload failed, keeping the old rules: {}", s.error().message);
    return;
  }
  setDashboardRules();
  targets_.setMetricFilter(metricFilter(controller_->ruleSet(), dashboard_));
}

void Daemon::setDashboardRules() {
  if (Status s = dashboard_.setRules(controller_->ruleSet()); !s) {
    spdlog::error("dashboard: the rules' charts are refused, drawing the runbook's unbound: {}",
                  s.error().message);
  }
}

void Daemon::buildDashboard() {
  const MonoTime start = clock_.monoNow();
  std::string document = dashboard_.build(*controller_, storage_, timeline_.now());
  const DurationMs took = clock_.monoNow() - start;
  metrics_.dashboardDocument(took);
  spdlog::debug("dashboard document built in {} ms ({} bytes)", took, document.size());
  dashboardCache_.publish(std::move(document));
}

void Daemon::buildDashboard(const dashboard::ChartRange& range) {
  const MonoTime start = clock_.monoNow();
  std::string document = dashboard_.build(*controller_, storage_, clock_.now(), range);
  const DurationMs took = clock_.monoNow() - start;
  metrics_.dashboardDocument(took);
  spdlog::debug("dashboard document over {} ms built in {} ms ({} bytes)", range.to - range.from,
                took, document.size());
  dashboardCache_.publishRange(range, std::move(document));
}

void Daemon::keepIncidentCharts() {
  const policy::Escalator& escalator = controller_->escalator();
  const TimestampMs now = clock_.now();
  chartKeeper_.step(
      {escalator.incident(), escalator.trafficSwitchedAt(), oldestStored(storage_), now},
      [&](const dashboard::ChartRange& range) {
        return dashboard_.build(*controller_, storage_, now, range);
      });
}

void Daemon::publish() {
  if (targets_.several()) {
    controller_->setTargets(targets_.status(), targets_.discoveryStatus());
  }
  published_.setStatus(controller_->statusJson());
}

void Daemon::persist() {
  if (config_.stateFile.empty()) {
    return;
  }
  std::optional<std::string> state = controller_->persistentState();
  // Remembered only once on disk: a failed write is tried again at the next change.
  if (state && *state != lastSnapshot_ && stateWriter_.write(*state)) {
    lastSnapshot_ = std::move(*state);
  }
}

}  // namespace

Result<std::string> checkConfig(const AgentConfig& config) {
  SystemClock clock;
  SystemRandom random;
  auto parts = buildParts(config, 0, clock, random);
  if (!parts.ok()) {
    return parts.error();
  }
  return describe(config);
}

int runDaemon(const AgentConfig& config, std::string_view version) {
  // Before anything can start a thread (notifiers may): only the watcher gets signals.
  detail::blockWatchedSignals();
  if (!config.stateFile.empty()) {
    // Found now, not as a failing write at every tick of a rollout.
    if (Status usable = detail::checkStateDirectory(config.stateFile); !usable) {
      spdlog::error("cannot start: {}", usable.error().message);
      return 1;
    }
  }
  SystemClock clock;  // the switch's waits; outlives the daemon below
  SystemRandom random;
  auto parts = buildParts(config, clock.now(), clock, random);
  if (!parts.ok()) {
    spdlog::error("cannot start:\n{}", parts.error().message);
    return 1;
  }
  try {
    Daemon daemon(config, version, std::move(parts).value());
    return daemon.run();
  } catch (const std::exception& e) {
    spdlog::critical("nova-agent failed: {}", e.what());
    return 1;
  }
}

}  // namespace nova::daemon
