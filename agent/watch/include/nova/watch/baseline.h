#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nova/core/result.h"
#include "nova/core/time.h"
#include "nova/tsdb/scrape_appender.h"
#include "nova/tsdb/storage.h"

namespace nova::watch {

/// One summary of blue the baseline records: the name of the series rules read, and the
/// PromQL evaluated over blue's own store at the switch, `$window` standing for the
/// baseline's window ("10m").
struct BaselineRecipe {
  std::string_view name;
  std::string_view expr;
};

/// The summaries of blue, in the order /status and /metrics show them:
///   baseline:nova_http_requests:rate              requests per second
///   baseline:nova_http_error_ratio:rate           share of requests failing
///   baseline:nova_http_requests_within_200ms:ratio share of requests answered within 200ms
///   baseline:nova_streaming_websocket_connections:avg  open WebSocket connections
/// each over the window before the switch, summed over blue's pods.
const std::vector<BaselineRecipe>& baselineRecipes();

struct BaselineValue {
  std::string name;
  double value = 0;
};

/// Blue's numbers before one switch.
struct Baseline {
  /// The switch the baseline belongs to (ms); the window ends here.
  TimestampMs switchedAt = 0;
  /// The span summarized: the configured window, or less when blue was first scraped
  /// later than its start (from the oldest sample in the window to the switch).
  DurationMs window = 0;
  /// Only the summaries blue had data for (a blue without WebSockets has no connection
  /// level; a share of zero requests is none).
  std::vector<BaselineValue> values;
};

/// Evaluates every recipe over `blue` at `switchedAt`, reading the `window` before it (or
/// the part of it blue was scraped in). kNotFound, naming the window, when blue has no
/// sample before the switch in it (the agent started after the switch, blue was already
/// gone) or no recipe has a value. Pure.
Result<Baseline> summarizeBlue(const tsdb::Storage& blue, TimestampMs switchedAt,
                               DurationMs window);

/// The frozen baseline as the agent keeps it on disk, so an agent restarted after the switch
/// (when blue carries no traffic and its store no longer holds the window) keeps it:
/// {"switched_at_ms":..., "window_ms":..., "values":{name: "value"}}, each value as the
/// shortest text that reads back as the same double.
std::string formatBaselineRecord(const Baseline& baseline);
/// Reads formatBaselineRecord's text back. kInvalidInput naming what is wrong (not JSON, a
/// field missing or of the wrong type, a value that is not a finite number).
Result<Baseline> parseBaselineRecord(std::string_view text);

struct BaselineOptions {
  /// The minutes before the switch that the baseline summarizes.
  DurationMs window = 10 * kMinute;
  /// How long after the switch the baseline series are written: afterwards green's own
  /// history is the better evidence (traffic moves through the day), and the series go
  /// stale so every rule falls back to judging without them.
  DurationMs keep = kHour;
};

/// The bounds of the store blue is scraped into: it keeps the window and 5 minutes more
/// (a freeze a little after the switch still reads the whole window), and a share of the
/// rules' store's series and bytes (blue is read for a handful of summaries).
tsdb::Limits blueStoreLimits(const BaselineOptions& options);

/// Where a baseline stands, for /status.
enum class BaselineState {
  /// Not frozen yet: the switch has not happened (or its time is not known yet).
  kWaiting,
  /// Frozen at the switch; its series are written.
  kFrozen,
  /// Frozen, but `keep` has passed since the switch: its series are no longer written.
  kExpired,
  /// The switch came and there was nothing of blue to summarize (see reason()).
  kNone,
};
std::string_view baselineStateName(BaselineState state);

/// Keeps the baseline of one switch: freezes it from blue's store at the first step at or
/// after the switch time, and writes its series into the rules' store at every step until
/// `keep` has passed (then stale markers, as for a vanished target). A new switch time
/// (a later rollout) starts over. Pure: values and times in, series out.
///
/// Not thread-safe: one owner (the daemon's loop thread, a scenario's replay).
class BaselineKeeper {
 public:
  explicit BaselineKeeper(BaselineOptions options = {});

  /// Freezes the baseline when `switchedAt` is known and `now` has reached it. `blue` null:
  /// blue is not configured. Returns a line for the log when something changed (frozen,
  /// none, expired), nullopt otherwise.
  std::optional<std::string> step(const tsdb::Storage* blue, std::optional<TimestampMs> switchedAt,
                                  TimestampMs now);

  /// A baseline this agent froze before it restarted (read back from disk). It is adopted,
  /// instead of summarizing blue's store, at the first step at or after the switch whose
  /// time is its own, and forgotten when a step names another switch: it belongs to one
  /// rollout only. Steps without a switch time (before the rollout is known) keep it.
  void offer(Baseline restored);
  /// True when the frozen baseline was adopted from offer(), not summarized from blue (so
  /// there is nothing new to keep on disk).
  bool restored() const { return restored_; }

  /// Writes the frozen baseline's series at `now` through `appender` (its own appender, so
  /// their staleness is tracked apart from any scrape's): every series while frozen, none
  /// (stale markers) once expired or when there is none.
  void write(tsdb::ScrapeAppender& appender, TimestampMs now);

  BaselineState state() const { return state_; }
  /// Why there is no baseline ("" when frozen or waiting for the switch).
  const std::string& reason() const { return reason_; }
  const std::optional<Baseline>& baseline() const { return baseline_; }
  const BaselineOptions& options() const { return options_; }
  /// {"state":..., "window_seconds":..., "keep_seconds":..., "switched_at":...|null,
  ///  "expires_at":...|null, "values":{name: value}, "reason":...}
  std::string statusJson() const;

 private:
  BaselineOptions options_;
  BaselineState state_ = BaselineState::kWaiting;
  std::optional<TimestampMs> switchedAt_;
  std::optional<Baseline> baseline_;
  std::string reason_;
  std::optional<TimestampMs> lastWritten_;
  std::optional<Baseline> offered_;
  bool restored_ = false;
};

}  // namespace nova::watch
