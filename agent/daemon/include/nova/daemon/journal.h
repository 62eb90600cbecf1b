#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "nova/core/result.h"
#include "nova/core/time.h"

namespace nova::daemon {

/// One line of the agent's journal: an event or a decision, with the rollout it belongs
/// to, so a report can rebuild a rollout's timeline after any number of restarts.
struct JournalEntry {
  TimestampMs at = 0;
  /// The guarded rollout's id; "" for a guard without a record or for shadow.
  std::string rolloutId;
  /// "armed", "disarmed", "shadow_action", "rollback_done", "traffic_on_blue", or a
  /// timeline event's kind ("incident_opened", "page", "rollback_decided", ...).
  std::string kind;
  std::string incident;
  std::string rule;
  std::string detail;
  /// True for what the agent decided or did in shadow (not carried out).
  bool shadow = false;

  friend bool operator==(const JournalEntry&, const JournalEntry&) = default;
};

/// The append-only journal beside the state file: JSON lines, each fsynced before append()
/// returns (appendDurably). Bounded by rotation: when the file reaches maxBytes it becomes
/// "<path>.1" (replacing the older one) and a new file starts, so at most twice maxBytes
/// stay on disk. Not thread-safe: the loop thread owns it.
class Journal {
 public:
  /// "" for no journal: append() does nothing.
  explicit Journal(std::string path, std::size_t maxBytes = std::size_t{1} << 20);

  /// Appends one line. An I/O error is returned (the caller logs it; a journal that
  /// cannot be written must not stop the agent).
  Status append(const JournalEntry& entry);

  /// Every entry of "<path>.1" then "<path>", oldest first. Lines that do not parse are
  /// skipped (a line cut by a crash). A missing file is no entries.
  Result<std::vector<JournalEntry>> readAll() const;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::size_t maxBytes_;
};

/// The journal of a state file: "<state_file>.journal.jsonl"; "" without a state file.
std::string journalPathFor(const std::string& stateFile);

}  // namespace nova::daemon
