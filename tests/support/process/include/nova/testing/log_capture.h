#pragma once

#include <string>
#include <string_view>

#include "nova/core/time.h"

namespace nova::testing {

/// Where a child's log goes and how a test reads it back: a file the launcher points the
/// child's stderr (and its stdout when not captured) at. Thread-safe to read while the child
/// writes.
class LogCapture {
 public:
  /// Writes to `path`, truncating it; the file is left in place (a test keeps it in a
  /// TempDir, so a failure's log can be read until the folder goes).
  explicit LogCapture(std::string path);

  const std::string& path() const { return path_; }
  /// Everything written so far (bounded: the last 16 MiB at most).
  std::string text() const;
  /// Waits, in real time, until the log contains `marker`; false after `timeout` ms.
  bool waitFor(std::string_view marker, DurationMs timeout) const;

 private:
  std::string path_;
};

}  // namespace nova::testing
