#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nova/core/result.h"
#include "nova/core/time.h"
#include "nova/notify/notifier.h"

namespace nova::notify {

/// One receiver's durable queue. A notification counts as sent once add() has appended it
/// to the file and fsynced; done() appends (and fsyncs) that its delivery ended. After a
/// crash or a stop, open() gives back every notification that was added and not done, in
/// order, to be delivered again under the same dedup key; the receiver's IncidentLedger
/// skips what had been delivered just before the crash.
///
/// The file is JSON lines: a header {"nova_outbox":1}, then {"add":id,"at":ms,"event":{..}}
/// and {"done":id,"outcome":"delivered"}. Every kCompactAfter done() calls it is rewritten
/// with only the pending entries (writeFileDurably, keeping "<path>.prev"). With an empty
/// path it lives in memory only. Thread-safe.
class Outbox {
 public:
  struct Entry {
    std::uint64_t id = 0;
    Notification notification;
    /// Wall time the notification was accepted (ms since the epoch): what ages an entry
    /// across a restart.
    TimestampMs acceptedAt = 0;
    /// Monotonic time it was accepted, when accepted by this process.
    std::optional<MonoTime> acceptedMono;
  };

  /// What add() did: the entry's id, and whether it reached the disk.
  struct Added {
    std::uint64_t id = 0;
    /// Not ok when the append failed: the entry is still kept (in memory) and delivered,
    /// but a stop before delivery would lose it. Names the file and the errno text.
    Status written;
  };

  /// Opens (creating it when missing) the outbox in `path`, or one in memory for "". An
  /// empty or corrupt file does not stop a start: it is moved aside to "<path>.corrupt",
  /// every readable pending entry of it and of "<path>.prev" is kept (the ledger skips
  /// what was delivered), a warning is logged and recoveries() counts it. A torn last line
  /// (a crash during add()) is not damage: that add() never returned. Errors only when the
  /// file cannot be read or created (kRefused, kInternal; kInvalidInput for a directory).
  static Result<std::unique_ptr<Outbox>> open(std::string path);

  /// Appends `notification` accepted at `acceptedAt` (wall) / `acceptedMono`, and fsyncs.
  Added add(const Notification& notification, TimestampMs acceptedAt, MonoTime acceptedMono);
  /// Marks entry `id` finished with `outcome` ("delivered", "skipped", "refused",
  /// "dropped") and fsyncs; unknown ids are ignored. Errors name the file; the entry is
  /// finished in memory either way (a restart may then offer it again, and the ledger
  /// skips it if it was delivered).
  Status done(std::uint64_t id, std::string_view outcome);

  /// The entries added and not done, oldest first.
  std::vector<Entry> pending() const;
  /// How many entries are pending.
  std::size_t size() const;
  /// How long the oldest pending entry has waited (0 when none): on monotonic time for
  /// entries of this process, on wall time for those replayed from before a restart.
  DurationMs oldestAge(TimestampMs wallNow, MonoTime monoNow) const;
  /// True when the outbox has a file.
  bool durable() const { return !path_.empty(); }
  /// Files found empty or corrupt when opening (0 or 1).
  std::uint64_t recoveries() const { return recoveries_; }

  static constexpr std::size_t kCompactAfter = 64;

 private:
  explicit Outbox(std::string path) : path_(std::move(path)) {}
  Status load();
  Status compact();
  Status append(std::string_view line);

  std::string path_;
  mutable std::mutex mutex_;
  std::map<std::uint64_t, Entry> pending_;
  std::uint64_t nextId_ = 1;
  std::size_t doneSinceCompaction_ = 0;
  std::uint64_t recoveries_ = 0;
};

}  // namespace nova::notify
