#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "nova/core/severity.h"
#include "nova/core/time.h"

namespace nova::policy {

enum class IncidentState {
  kOpen,           ///< Rules are firing; no investigation window is running.
  kInvestigating,  ///< An investigation window is running (e.g. HIGH's 5m before rollback).
  kRecovering,     ///< No rule fires any more; waiting out the recovery time.
  kRollingBack,    ///< Rollback decided (automatic or forced); the flip is in progress.
  kRolledBack,     ///< The shell reported the flip done.
  kResolved,       ///< Clear for the recovery time; the incident is over.
};

/// "open", "investigating", "recovering", "rolling_back", "rolled_back", "resolved".
std::string_view toString(IncidentState state);
/// Parses the names above; nullopt for anything else.
std::optional<IncidentState> parseIncidentState(std::string_view text);
/// The accepted names, in enum order, for "did you mean ...?" hints.
std::span<const std::string_view> incidentStateNames();

/// One rule behind an incident: every rule that fired while the incident was open.
struct IncidentRule {
  std::string name;
  /// The severity the rule counts at: its own, or the unknown cost while it has no data.
  Severity severity = Severity::kNone;
  /// True while the rule fires now.
  bool firing = false;
  /// The latest observed value (NaN when unknown) and summary.
  double value = 0;
  std::string summary;
  /// The measurement source that failed, while the rule counts for want of a value from it
  /// (RuleObservation::failedSource); empty when the rule speaks of green.
  std::string failedSource{};

  friend bool operator==(const IncidentRule&, const IncidentRule&) = default;
};

struct Incident {
  /// Stable and deterministic: "<trafficSwitchedAt ms>-<n>" where n counts incidents since
  /// the switch (1-based). Two replicas fed the same observations, or a restarted agent
  /// restored from its snapshot, give the same id, so it serves as the notification
  /// dedup key.
  std::string id;
  /// The highest severity reached (it never goes down within an incident).
  Severity severity = Severity::kNone;
  /// The highest severity among rules firing now (kNone while recovering).
  Severity current = Severity::kNone;
  IncidentState state = IncidentState::kOpen;
  TimestampMs startedAt = 0;
  /// Set once resolved.
  std::optional<TimestampMs> resolvedAt;
  /// Set once a rollback was decided.
  std::optional<TimestampMs> rollbackAt;
  /// In the order they first fired.
  std::vector<IncidentRule> rules;

  friend bool operator==(const Incident&, const Incident&) = default;
};

}  // namespace nova::policy
