#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "nova/core/time.h"
#include "nova/rollout/hook.h"

namespace nova::rollout {

/// `rollback.full`: how green is removed after traffic is back on blue (runbook option 3).
struct FullRollbackSpec {
  /// `remove_green`: a command (the runbook's `helm uninstall ...`). When absent, green's
  /// Deployment is scaled to 0 through the scale subresource (Kubernetes only).
  std::optional<CommandSpec> removeGreen;
  /// `namespace`, `deployment`: green's Deployment; default: deploy.kubernetes's.
  std::string ns;
  std::string deployment;
  /// `timeout`: how long the scale to 0 may take until no pod is left.
  DurationMs timeout = 5 * kMinute;
};

/// `rollback.staged`: the runbook's staged rollback (green's share lowered, then watched).
struct StagedRollbackSpec {
  /// `weight`: green's share in percent while watched (`--weight` overrides).
  std::int64_t weight = 25;
  /// `watch`: how long green's error rate is watched at that weight (`--watch` overrides).
  DurationMs watch = 5 * kMinute;
  /// `poll_interval`: how often green's /metrics is read while watching.
  DurationMs pollInterval = 10 * kSecond;
  /// `max_error_rate`: above this share of failing requests green goes to 0 at once; at or
  /// below it at the end of the watch the rollback parks for a person (the runbook's HIGH
  /// threshold, 5%).
  double maxErrorRate = 0.05;
  /// `min_requests`: fewer requests to green during the watch is no data, which is not good
  /// news: green goes to 0.
  std::int64_t minRequests = 20;
  /// `metrics_url`: green's own Prometheus endpoint; default: smoke.base_url + "/metrics".
  std::string metricsUrl;
  /// `requests_metric`, `errors_metric`: the counters summed over all their series.
  std::string requestsMetric = "nova_http_requests_total";
  std::string errorsMetric = "nova_http_errors_total";
};

/// `rollback.db`: the database restore (runbook option 2), never automatic.
struct DbRollbackSpec {
  /// `restore`: the command that restores the snapshot in $NOVA_SNAPSHOT_ID.
  std::optional<CommandSpec> restore;
};

/// The `rollback:` section of rollout.yaml.
struct RollbackSpec {
  FullRollbackSpec full;
  StagedRollbackSpec staged;
  DbRollbackSpec db;
};

}  // namespace nova::rollout
