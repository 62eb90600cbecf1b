#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "nova/daemon/actions.h"
#include "nova/daemon/controller.h"
#include "nova/daemon/metrics.h"
#include "nova/http/server.h"

namespace nova::daemon::detail {

/// What other threads hand to the loop: people's commands (the HTTP thread waits for the
/// reply) and rollback reports (from the action worker). The loop is woken on each.
class Inbox {
 public:
  struct Pending {
    Command command;
    std::promise<CommandReply> reply;
  };

  explicit Inbox(std::function<void()> wake) : wake_(std::move(wake)) {}

  std::future<CommandReply> submit(Command command);
  void report(RollbackReport report);
  std::vector<Pending> takeCommands();
  std::vector<RollbackReport> takeReports();

 private:
  std::function<void()> wake_;
  std::mutex mutex_;
  std::vector<Pending> commands_;
  std::vector<RollbackReport> reports_;
};

/// What the loop publishes for the HTTP thread.
class Published {
 public:
  void setStatus(std::string status);
  std::string status() const;

  std::atomic<bool> ready{false};
  /// Steady-clock ms of the loop's last iteration; /healthz fails when it is old.
  std::atomic<std::int64_t> heartbeat{0};

 private:
  mutable std::mutex mutex_;
  std::string status_ = "{}";
};

/// Steady-clock milliseconds, for heartbeats and bounds (never for decisions).
std::int64_t steadyMs();

struct ApiContext {
  AgentMetrics& metrics;
  Published& published;
  Inbox& inbox;
  /// Off (404) when unset.
  std::optional<std::string> token;
  /// How long a command waits for the loop's answer.
  DurationMs commandTimeout = 2 * kSecond;
};

/// The agent's HTTP endpoints: GET /metrics /healthz /readyz /status, POST /v1/hold
/// /v1/release /v1/rollback.
http::Handler makeApiHandler(ApiContext& context);

/// Parses a command body; errors name the field.
Result<Command> parseCommand(Command::Kind kind, std::string_view body);

/// Equal in time independent of where the strings differ.
bool constantTimeEquals(std::string_view a, std::string_view b);

}  // namespace nova::daemon::detail
