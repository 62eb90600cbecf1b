#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nova/core/result.h"
#include "nova/core/time.h"
#include "nova/rollout/hook.h"
#include "nova/rollout/phase.h"
#include "nova/rollout/rollback_spec.h"
#include "nova/rollout/smoke.h"
#include "nova/rollout/snapshot.h"
#include "nova/rollout/window.h"

namespace nova::rollout {

/// A pre-flight check the tool cannot do itself (database connections under 70% of max,
/// capacity, a verified backup, approvals): a command with its expectations.
struct PreflightCheck {
  std::string name;
  CommandSpec command;
};

/// The cluster's own state, checked before green is deployed when the traffic object is on
/// Kubernetes: each item below is a pre-flight step of its own, run and listed with the
/// others. Secrets are checked for presence only; their data is never kept or shown.
struct ClusterPreflight {
  /// Green's namespace: it must exist and be Active (step green-namespace); its pods are
  /// judged by pods-healthy.
  std::string ns;
  /// Names that must exist in `ns` (steps configmaps and secrets; left out when empty).
  std::vector<std::string> configMaps;
  std::vector<std::string> secrets;
  /// A pod Pending for longer than this (from its creationTimestamp) fails pods-healthy.
  DurationMs pendingGrace = 2 * kMinute;
  /// At most this many names of failing pods or nodes in a step's detail.
  int listLimit = 5;
  /// Step nodes-ready: every node (of nodeSelector, "" for all) has condition Ready True.
  /// Off by default: nodes are cluster-scoped and need a ClusterRole.
  bool nodes = false;
  std::string nodeSelector;
};

/// How green gets deployed (Phase 2).
struct DeploySpec {
  enum class Kind {
    kHook,        ///< A command (the runbook's `helm upgrade --install ... --wait`).
    kKubernetes,  ///< Built in: set the green Deployment's container image, wait for it.
  };
  Kind kind = Kind::kHook;
  CommandSpec hook;
  std::string ns;
  std::string deployment;
  std::string container;
  /// The image; `${NOVA_VERSION}` is replaced ("nova/user-service:${NOVA_VERSION}").
  std::string image;
  /// Bound on the built-in rollout wait.
  DurationMs timeout = 10 * kMinute;
};

/// Blue, as Phase 4 scales it down.
struct BlueSpec {
  std::string ns;
  std::string deployment;
  /// Wait after the switch is verified before scaling blue down, so every proxy has seen
  /// the new backend (Argo Rollouts' scaleDownDelaySeconds, 30 s by default).
  DurationMs scaleDownDelay = 30 * kSecond;
  /// On plain hosts: a command that stops blue instead of the Kubernetes scale.
  std::optional<CommandSpec> scaleDownHook;
};

/// The traffic switch and how the switch is verified.
struct SwitchSpec {
  /// A traffic switch type (as the agent's `switch.type`) and its settings.
  std::string type;
  std::map<std::string, std::string> settings;
  /// The public URL checked after the switch: it must answer with the new version (at
  /// versionPointer of its JSON) within verifyTimeout, or traffic is flipped back. "" to
  /// skip the check.
  std::string publicUrl;
  std::string versionPointer = "/version";
  DurationMs verifyTimeout = 2 * kMinute;
};

/// Where the agent is and how often its verdict is read while monitoring.
struct MonitorSpec {
  std::string agentUrl;
  DurationMs pollInterval = 5 * kSecond;
};

/// When rollouts may start.
struct WindowSpec {
  WindowConfig window;
  /// The holiday file (see parseHolidays), resolved against the config's folder; "" for
  /// none. Read by the caller: the loader does no I/O.
  std::string holidaysFile;
  /// How long a rollout is expected to take; it must fit in the window (runbook: 30-45m).
  DurationMs expectedDuration = 45 * kMinute;
};

/// A notifier for the team channel (as the agent's `notifiers:` entries).
struct NotifierSpec {
  std::string type;
  std::map<std::string, std::string> settings;
};

/// rollout.yaml: everything `novactl rollout` needs besides its flags.
/// See examples/rollout/rollout.yaml for every field with its meaning.
struct RolloutConfig {
  SwitchSpec switchSpec;
  WindowSpec window;
  std::vector<PreflightCheck> preflight;
  /// `preflight.cluster`; nullopt when absent.
  std::optional<ClusterPreflight> preflightCluster;
  std::optional<SnapshotSpec> snapshot;
  DeploySpec deploy;
  SmokeConfig smoke;
  BlueSpec blue;
  MonitorSpec monitor;
  /// The runbook's bounds; `monitor.duration` and `monitor.medium_max_wait` land here too.
  PhaseBounds bounds;
  DurationMs leaseDuration = 30 * kSecond;
  /// Where reports and backups (the traffic object, blue's manifest) are written; resolved
  /// against the config's folder.
  std::string reportDir = "reports";
  std::vector<NotifierSpec> notifiers;
  /// `novactl rollback`'s options full, staged and db.
  RollbackSpec rollback;
};

/// The pre-flight checks built into every rollout, always listed; the cluster's own
/// (green-namespace, configmaps, secrets, pods-healthy, nodes-ready) run as configured.
inline constexpr std::string_view kBuiltInPreflightChecks[] = {
    "traffic-on-blue", "blue-ready", "agent-reachable", "green-namespace",
    "configmaps",      "secrets",    "pods-healthy",    "nodes-ready"};

/// The names of the pre-flight steps `config` makes a run list, in the order they run:
/// what `--skip-check` may name.
std::vector<std::string> preflightCheckNames(const RolloutConfig& config);

/// Parses and validates rollout.yaml in one pass and reports every problem, one per line,
/// as "file:line:col: message" (kInvalidInput): malformed YAML, unknown keys (with a
/// did-you-mean hint), missing required fields, wrong types, bad durations, times, days,
/// time zones, URLs, JSON Pointers and RE2 patterns, unknown switch and notifier types,
/// duplicate names, `${...}` that names no rollout variable, declared secret or earlier
/// capture, a command given as a string without `shell: true`, an expected duration no
/// window can hold. Relative paths (holidays_file, report_dir, working_dir, secret files)
/// are joined to `baseDir`. Pure: no I/O; never throws.
Result<RolloutConfig> loadRolloutConfig(std::string_view yamlText, std::string_view fileName,
                                        std::string_view baseDir = "");

}  // namespace nova::rollout
