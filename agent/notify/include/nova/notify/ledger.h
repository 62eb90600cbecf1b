#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "nova/core/result.h"
#include "nova/notify/notifier.h"

namespace nova::notify {

/// What one receiver has already delivered, per incident id, so that the same update is
/// never posted twice: not after a retry, a restart of the agent or a replayed outbox. With
/// a file it survives restarts: the whole ledger is rewritten durably after each record
/// (temp file, fsync, rename, directory fsync), keeping the replaced copy as "<path>.prev".
/// Thread-safe.
class IncidentLedger {
 public:
  /// Opens the ledger kept in `path`, or an in-memory one when `path` is empty. A missing
  /// file is an empty ledger. An empty or corrupt file does not stop a start: it is moved
  /// aside to "<path>.corrupt", the ledger recovers from "<path>.prev" (or starts empty when
  /// that is unusable too), a warning is logged and recoveries() counts it. Errors only for
  /// a file that cannot be read or written at all (kRefused, kInternal, kInvalidInput for a
  /// directory), naming it.
  static Result<std::unique_ptr<IncidentLedger>> open(std::string path);

  /// The identity of one update of an incident: "<kind>/<severity>".
  static std::string updateKey(const Notification& notification);

  /// True when this update of this incident was recorded before.
  bool delivered(const Notification& notification) const;
  /// True when anything of the incident was recorded.
  bool known(const std::string& incidentId) const;
  /// True when the incident's resolution was recorded.
  bool closed(const std::string& incidentId) const;

  /// Records a delivered update (and the incident's newest state). An incident_resolved
  /// closes the incident. Errors name the file when it cannot be written; the in-memory
  /// record is kept either way.
  Status record(const Notification& notification);

  /// The newest recorded notification of every incident that is not closed.
  std::vector<Notification> openIncidents() const;

  /// Files found empty or corrupt when opening (0 or 1).
  std::uint64_t recoveries() const { return recoveries_; }

  /// Closed incidents kept (oldest forgotten first), so the file stays small.
  static constexpr std::size_t kKeepClosed = 200;

 private:
  struct Entry {
    std::set<std::string> updates;
    bool closed = false;
    Notification latest;
    std::uint64_t order = 0;
  };
  using Entries = std::map<std::string, Entry>;
  explicit IncidentLedger(std::string path) : path_(std::move(path)) {}
  Status load();
  Status save() const;
  void prune();

  std::string path_;
  mutable std::mutex mutex_;
  Entries entries_;
  std::uint64_t nextOrder_ = 0;
  std::uint64_t recoveries_ = 0;
};

}  // namespace nova::notify
