#pragma once

#include <boost/json/value.hpp>
#include <functional>
#include <string>
#include <string_view>

#include "nova/core/time.h"

namespace nova::kube {

/// One event of a watch stream (specs: ADDED, MODIFIED, DELETED, BOOKMARK, ERROR).
struct WatchEvent {
  enum class Type { kAdded, kModified, kDeleted, kBookmark, kError };
  Type type = Type::kAdded;
  /// The object's new state (ADDED, MODIFIED), its last state (DELETED), an object with
  /// only metadata.resourceVersion (BOOKMARK), or a Status (ERROR).
  boost::json::value object;
};

/// "ADDED", "MODIFIED", ...
std::string_view toString(WatchEvent::Type type);

/// Which changes a watch streams, from where, and for how long.
struct WatchOptions {
  /// As ListOptions::labelSelector.
  std::string labelSelector{};
  /// Changes after this version (a list's resourceVersion or the last event's); "" starts
  /// with a synthetic ADDED for every existing object.
  std::string resourceVersion{};
  bool allowBookmarks = true;
  /// The server ends the stream after this long (timeoutSeconds, whole seconds, at least 1).
  DurationMs timeout = 5 * kMinute;
};

/// Receives each event in stream order; returning false ends the watch.
using WatchHandler = std::function<bool(const WatchEvent&)>;
/// Asked about once a second while the stream is quiet and after each event; returning
/// false ends the watch (a stop from another thread).
using KeepWatching = std::function<bool()>;

/// How a watch ended without an error.
struct WatchEnd {
  /// The resourceVersion of the last event (bookmarks included), or the one the watch
  /// started from when none came: where the next watch resumes.
  std::string resourceVersion;
  /// The handler or KeepWatching asked to stop (otherwise the server closed the stream).
  bool stopped = false;
};

}  // namespace nova::kube
