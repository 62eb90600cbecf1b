#pragma once

#include <string>
#include <string_view>

#include "nova/core/result.h"

namespace nova::daemon {

/// The state file: the escalator's snapshot of the guarded rollout, tagged with its id, so
/// a restart keeps the state of the rollout it guards and discards another's.
///
///   {"format": "nova-agent-state/1", "rollout_id": s, "version": s, "escalator": {...}}
///
/// A file holding a bare escalator snapshot (written before the tag existed) reads as the
/// state of a guard without a record (rollout id "").
struct StoredState {
  std::string rolloutId;
  std::string version;
  /// policy::Escalator::snapshot() JSON.
  std::string escalator;

  friend bool operator==(const StoredState&, const StoredState&) = default;
};

std::string encodeStoredState(const StoredState& state);

/// Errors (kInvalidInput): not a JSON object, a wrong format, fields of the wrong type.
Result<StoredState> decodeStoredState(std::string_view text);

}  // namespace nova::daemon
