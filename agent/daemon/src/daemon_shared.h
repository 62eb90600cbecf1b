#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "dashboard_cache.h"
#include "incident_charts.h"
#include "nova/daemon/actions.h"
#include "nova/daemon/controller.h"
#include "nova/daemon/metrics.h"
#include "nova/http/server.h"

namespace nova::daemon::detail {

/// What other threads hand to the loop: people's commands (the HTTP thread waits for the
/// reply) and rollback reports (from the action worker). The loop is woken on each.
/// Waits are on `clock`'s monotonic time. Thread-safe.
class Inbox {
 public:
  /// Where the loop's reply to one command goes.
  struct ReplySlot {
    std::optional<CommandReply> reply;
  };
  struct Pending {
    Command command;
    std::shared_ptr<ReplySlot> slot;
  };

  /// `clock` must outlive the inbox; `wake` interrupts the loop's wait.
  Inbox(const Clock& clock, std::function<void()> wake) : wakeup_(clock), wake_(std::move(wake)) {}

  /// Hands `command` to the loop and waits up to `timeout` ms for its reply; nullopt when
  /// none came in time (the loop may still apply the command later).
  std::optional<CommandReply> submit(Command command, DurationMs timeout);
  /// The loop's reply to a command taken with takeCommands(); wakes its submitter.
  void answer(const Pending& pending, CommandReply reply);
  void report(RollbackReport report);
  std::vector<Pending> takeCommands();
  std::vector<RollbackReport> takeReports();

 private:
  Wakeup wakeup_;
  std::function<void()> wake_;
  std::vector<Pending> commands_;
  std::vector<RollbackReport> reports_;
};

/// What the loop publishes for the HTTP thread.
class Published {
 public:
  void setStatus(std::string status);
  std::string status() const;

  std::atomic<bool> ready{false};
  /// The loop's last iteration (monotonic ms, MonoTime::ms()); /healthz fails when it is
  /// old. Unset (min) before the first.
  std::atomic<std::int64_t> heartbeat{std::numeric_limits<std::int64_t>::min()};
  /// The oldest moment the store holds (its newest sample minus its retention, wall ms),
  /// for checking the ranges asked of /v1/dashboard. Unset (min) while it keeps everything.
  std::atomic<std::int64_t> oldestStored{std::numeric_limits<std::int64_t>::min()};

 private:
  mutable std::mutex mutex_;
  std::string status_ = "{}";
};

struct ApiContext {
  /// Judges the heartbeat's age.
  const Clock& clock;
  AgentMetrics& metrics;
  Published& published;
  Inbox& inbox;
  /// Off (404) when unset.
  std::optional<std::string> token;
  /// How long a command waits for the loop's answer.
  DurationMs commandTimeout = 2 * kSecond;
  /// The dashboard's document; GET / and /v1/dashboard answer 404 when null.
  DashboardCache* dashboard = nullptr;
  /// How long a request for the document waits for the loop to build one.
  DurationMs dashboardTimeout = 3 * kSecond;
  /// The saved charts of rolled-back incidents; GET /v1/incidents/<id>/charts answers 404
  /// when null.
  const IncidentCharts* incidentCharts = nullptr;
  /// The listeners' connection counters by name ("api", "probe"), shown on /metrics; each
  /// must outlive the handlers.
  std::vector<std::pair<std::string, const http::ConnectionCounters*>> listeners = {};
};

/// The agent's HTTP endpoints: GET / (the dashboard page) /v1/dashboard (its document;
/// ?from=&to= in ms or RFC 3339 for another window, up to 2 hours within the store's
/// retention)
/// /v1/incidents/<id>/charts (a rolled-back incident's chart document, as saved)
/// /metrics /healthz /readyz /status, POST /v1/hold /v1/release /v1/rollback.
http::Handler makeApiHandler(ApiContext& ctx);

/// The probe listener's endpoints: GET /healthz and /readyz as makeApiHandler answers
/// them; everything else 404. Kept apart so the kubelet's probes have capacity of their own.
http::Handler makeProbeHandler(ApiContext& ctx);

/// Parses a command body; errors name the field.
Result<Command> parseCommand(Command::Kind kind, std::string_view body);

}  // namespace nova::daemon::detail
