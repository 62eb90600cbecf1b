#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "nova/core/result.h"

namespace nova::demo {

/// The injected faults in force. Zero/false means "behave normally".
struct FaultSet {
  /// Share of authorised /api requests answered 500, in [0, 1].
  double errorRatio = 0.0;
  /// Delay added to /api and /health responses, in milliseconds.
  std::int64_t addedLatencyMs = 0;
  /// /health answers 503 {"status":"unhealthy"}.
  bool healthDown = false;
  /// Share of open WebSocket connections dropped when this is set (an event, not a state;
  /// the value stays visible until the next reset).
  double wsDropRatio = 0.0;
  /// /metrics answers 503.
  bool metricsDown = false;
  /// Acknowledged stream writes are not persisted; each counts a data-loss event.
  bool dataLoss = false;
  /// Simulated database latency added to every API call, in milliseconds.
  std::int64_t dbLatencyMs = 0;
};

/// A partial update: absent fields leave the current value unchanged.
struct FaultPatch {
  std::optional<double> errorRatio{};
  std::optional<std::int64_t> addedLatencyMs{};
  std::optional<bool> healthDown{};
  std::optional<double> wsDropRatio{};
  std::optional<bool> metricsDown{};
  std::optional<bool> dataLoss{};
  std::optional<std::int64_t> dbLatencyMs{};
};

/// Parses `{"error_ratio":0.1,"added_latency_ms":300,...}`. Unknown fields, wrong types,
/// ratios outside [0, 1] and latencies outside [0, 60000] ms are errors naming the field.
Result<FaultPatch> parseFaultPatch(std::string_view text);

/// The set as a JSON object with the same field names parseFaultPatch accepts.
std::string faultSetToJson(const FaultSet& faults);

/// The faults in force, shared by all connections. Thread-safe.
class FaultControl {
 public:
  /// Applies the patch and returns the resulting set. A changed error ratio restarts the
  /// error spread, so a ratio of 0.1 fails exactly one request in every ten from then on.
  FaultSet apply(const FaultPatch& patch);
  /// Back to no faults.
  void reset();
  FaultSet current() const;
  /// Draws the next /api request: true when it must fail under the current error ratio.
  /// The failures are spread evenly: request n fails when floor((n+1)r) > floor(nr).
  bool nextApiRequestFails();

 private:
  mutable std::mutex mutex_;
  FaultSet faults_{};
  std::uint64_t apiRequests_ = 0;
};

}  // namespace nova::demo
