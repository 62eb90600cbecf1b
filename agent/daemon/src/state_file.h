#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "nova/core/result.h"

namespace nova::daemon::detail {

/// Checks at start-up that the folder of `stateFile` exists and takes a durable write (a
/// probe file written with fsync and removed), so a missing or read-only state directory
/// stops the agent with a clear error instead of failing every write later. Errors name the
/// folder and the errno text: kNotFound (no such folder), kInvalidInput (not a folder),
/// the write's code otherwise (kRefused for permissions or a read-only file system,
/// kInternal for the rest).
Status checkStateDirectory(const std::string& stateFile);

/// The snapshot to restore; nullopt without a state file or when there is none yet. A file
/// that cannot be read is logged and the agent starts fresh: it must not keep it from
/// watching.
std::optional<std::string> readStateFile(const std::string& path);

/// Writes the escalator's snapshot durably (tmp + fsync + rename). A failing disk fails
/// every tick: each failure is counted through `onFailure`, but only the first of a burst is
/// logged (with the errno text), and the first success after it says how many failed.
/// Not thread-safe: the loop alone writes.
class StateWriter {
 public:
  StateWriter(std::string path, std::function<void()> onFailure);
  /// True when the snapshot is on disk.
  bool write(std::string_view snapshot);

 private:
  std::string path_;
  std::function<void()> onFailure_;
  std::uint64_t failedInARow_ = 0;
};

}  // namespace nova::daemon::detail
