#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "nova/core/result.h"
#include "nova/core/time.h"
#include "nova/daemon/arming.h"
#include "nova/notify/notifier.h"
#include "nova/remote/source.h"
#include "nova/scrape/prober.h"
#include "nova/scrape/target_pool.h"
#include "nova/scrape/targets.h"
#include "nova/traffic/switch.h"
#include "nova/watch/baseline.h"

namespace nova::daemon {

enum class LogFormat { kText, kJson };

/// Everything the daemon needs, from one YAML file (see examples/agent/agent.yaml):
///
///   target:        {health_url, metrics_url, expected_status, health_interval,
///                   metrics_interval, health_timeout, metrics_timeout, connect_timeout,
///                   ca_file, insecure_skip_verify, labels: {name: value},
///                   max_series: 0,
///                   several targets instead of health_url and metrics_url:
///                   urls: [http://10.0.0.7:8081, ...]   static base URLs, or
///                   discovery: {kind: kubernetes, namespace, service, port: name | number,
///                               labels: {name: value}, server, kubeconfig, context,
///                               token_file}     green's pods from the Service's
///                                               EndpointSlices (in-cluster by default)
///                   health_path: /health, metrics_path: /metrics, scheme: http,
///                   max_targets: 50}
///   rule_files:    [path, ...]            default [rules/default.yaml]
///   policy:        {high: {investigate: 5s}, ...}  over the rule files' policy
///   traffic_switched_at: ms since epoch or RFC 3339; default: agent start
///   eval_interval: 1s
///   switch:        {type: dry-run, <setting>: value | {file: path} | {env: NAME}}
///   notifiers:     [{type: log, ...}]
///   listen:        127.0.0.1:9464         (port 0 picks a free one)
///   probe_listen:  0.0.0.0:9465           optional: a listener of its own for /healthz and
///                                         /readyz, so the kubelet's probes keep capacity
///   api_token:     {file: path} | {env: NAME}   hold/release/rollback are off without it
///   state_file:    path                   escalator snapshot, restored at start
///   status_url:    URL put into notifications
///   dry_run:       false                  true forces the dry-run switch
///   log_format:    text | json
///   action_queue:  64                     notifications waiting for the action worker
///   arming:        {mode: auto, interval: 1s}   when the agent acts (see ArmingMode);
///                  the record on the traffic object is read every `interval`
///   sources:       {<name>: {url, timeout: 5s, bearer_token: secret,
///                   basic_auth: {username, password: secret}, ca_file,
///                   insecure_skip_verify, headers: {name: value}, tenant,
///                   lookback_delta, partial_response}}
///                  Prometheus-compatible query APIs for rules with `source: <name>`;
///                  `source: prometheus` names the source "prometheus", or the only one
///   remote_queries: {max_concurrent: 8, max_age: 30s}  bounds of remote rounds
///   baseline:      {urls: [http://10.0.1.7:8081, ...], metrics_path: /metrics,
///                   interval: 10s, timeout: 5s, window: 10m, keep: 1h}
///                  blue's pods, scraped into a store of their own; their summary over
///                  `window` before the switch is the baseline rules read for `keep`
///
/// Paths written in the file are relative to the file's folder; the default rule file is
/// relative to the working directory.
/// Where the Kubernetes API server is for discovery: `server` (with `tokenFile`), else a
/// kubeconfig (`kubeconfig`, `context`), else the pod's in-cluster configuration.
struct DiscoveryConfig {
  scrape::KubernetesDiscovery kubernetes;
  std::string server;
  std::string kubeconfig;
  std::string context;
  std::string tokenFile;
};

/// `leader_election:`: with several agents beside one green (sidecars, or a scaled
/// Deployment), one acts and the others evaluate in shadow. The Lease lives on the API
/// server found as for discovery: `server` (with `tokenFile`), else a kubeconfig, else the
/// pod's in-cluster configuration.
struct LeaderElectionConfig {
  /// The Lease (coordination.k8s.io/v1) all the agents of one green share.
  std::string ns;
  std::string name;
  /// This agent's name in the Lease; "" means $POD_NAME, else <hostname>_<pid>.
  std::string identity;
  /// client-go's defaults (ms); see kube::ElectionTimings.
  DurationMs leaseDuration = 15 * kSecond;
  DurationMs renewDeadline = 10 * kSecond;
  DurationMs retryPeriod = 2 * kSecond;
  std::string server;
  std::string kubeconfig;
  std::string context;
  std::string tokenFile;
};

/// Blue as the baseline: its pods are scraped (metrics only) into a store no rule reads;
/// at the switch the window before it is summarized into the baseline series.
struct BaselineConfig {
  /// Blue's base URLs, one per pod (a Service's URL only when it has one pod: scrapes
  /// spread over several pods mix their counters). Not with `discovery`.
  std::vector<std::string> urls;
  /// Blue's ready pods through its Service's EndpointSlices, as for target.discovery.
  std::optional<DiscoveryConfig> discovery;
  /// Blue is summarized, not judged: a handful of pods at most is worth scraping.
  static constexpr std::size_t kMaxTargets = 50;
  std::string metricsPath = "/metrics";
  DurationMs interval = 10 * kSecond;
  DurationMs timeout = 5 * kSecond;
  watch::BaselineOptions options;
};

struct AgentConfig {
  scrape::TargetConfig target;
  /// target.discovery: the targets are green's ready pods, found through EndpointSlices.
  std::optional<DiscoveryConfig> discovery;
  /// target.urls: static base URLs, each one target.
  std::vector<std::string> targetUrls;
  /// Paths, scheme and the target limit for discovered or static targets.
  scrape::PoolOptions pool;
  std::vector<std::string> ruleFiles{"rules/default.yaml"};
  /// The `policy:` section as YAML text (rules::applyPolicyOverrides form), if any.
  std::optional<std::string> policyYaml;
  std::optional<TimestampMs> trafficSwitchedAt;
  DurationMs evalInterval = kSecond;
  traffic::SwitchConfig switchConfig;
  std::vector<notify::NotifierConfig> notifiers{notify::NotifierConfig{}};
  std::string listenAddress = "127.0.0.1";
  std::uint16_t listenPort = 9464;
  /// The probe listener (/healthz and /readyz alone); off when the port is unset.
  std::string probeListenAddress;
  std::optional<std::uint16_t> probeListenPort;
  /// The bearer token of the command API (a secret); nullopt turns the API off.
  std::optional<std::string> apiToken;
  std::string stateFile;
  std::string statusUrl;
  bool dryRun = false;
  LogFormat logFormat = LogFormat::kText;
  std::size_t actionQueueCapacity = 64;
  /// kAuto: follow the rollout record when the traffic object carries one, act as
  /// always without one. kRecord needs a switch that carries the record (nginx,
  /// kubernetes-ingress, gateway-httproute).
  ArmingMode armingMode = ArmingMode::kAuto;
  /// How often the record is read (ms).
  DurationMs armingInterval = kSecond;
  /// Leader election among several agents; nullopt (the default): this agent acts alone.
  std::optional<LeaderElectionConfig> leaderElection;
  /// Remote query sources (`sources:`), in file order.
  std::vector<remote::SourceConfig> sources;
  /// Remote queries in flight at once, and how old a round's answers may be when a tick
  /// uses them (ms).
  std::size_t remoteConcurrency = 8;
  DurationMs remoteMaxAge = 30 * kSecond;
  /// `baseline:`; nullopt: blue is not scraped and there is no baseline.
  std::optional<BaselineConfig> baseline;
  /// Dotted paths of the values that came from {file:} or {env:} ("switch.token"); they
  /// are never logged and show as "<redacted>" in describe().
  std::set<std::string> secretPaths;
};

/// How the loader reaches the world for secrets; tests pass fakes.
struct ConfigEnvironment {
  std::function<std::optional<std::string>(const std::string& name)> getenv;
  std::function<Result<std::string>(const std::string& path)> readFile;
  /// Folder that relative paths in the file are resolved against ("" keeps them as is).
  std::string baseDir;
};

/// The real environment: getenv(3), files read whole (trailing newline stripped).
ConfigEnvironment systemEnvironment(std::string baseDir);

/// Parses and validates `yamlText`, with `overrides` ("key.path=value", value parsed as
/// YAML) applied first. Reports every problem in one pass, one per line, as
/// "file:line:col: message" (or "--set key.path: message" for an override): malformed
/// YAML, unknown keys with a did-you-mean hint, wrong types, bad durations, URLs and
/// addresses, unknown switch or notifier types, unreadable secrets. Secret values never
/// appear in messages.
Result<AgentConfig> loadConfig(std::string_view yamlText, std::string_view fileName,
                               std::span<const std::string> overrides,
                               const ConfigEnvironment& env);

/// Reads `path` and calls loadConfig with systemEnvironment(folder of path).
Result<AgentConfig> loadConfigFile(const std::string& path, std::span<const std::string> overrides);

/// The configuration as JSON for /status and --check-config, secrets as "<redacted>".
std::string describe(const AgentConfig& config);

}  // namespace nova::daemon
