#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "nova/core/backoff.h"
#include "nova/core/clock.h"
#include "nova/core/random.h"
#include "nova/core/time.h"
#include "nova/kube/client.h"

namespace nova::kube {

/// What an Informer keeps in step with, and how it recovers.
struct InformerOptions {
  CollectionRef collection;
  /// As ListOptions::labelSelector ("kubernetes.io/service-name=user-service-green").
  std::string labelSelector;
  /// Items per list page; 0 lets the server return them all.
  std::int64_t pageSize = 500;
  /// How long one watch may last before the server ends it and the Informer re-watches
  /// from the last resourceVersion (client-go asks for 5-10 min).
  DurationMs watchTimeout = 5 * kMinute;
  /// Waits after consecutive failures (client-go's reflector: 0.8 s doubling to 30 s).
  Backoff backoff{800, 30 * kSecond};
  /// Re-delivers the cached set to the handler this often without asking the server; 0 = off.
  DurationMs resync = 0;
};

/// The collection as last seen, keyed by metadata.name.
using ObjectCache = std::map<std::string, boost::json::value>;

/// Counters and the last failure, for /status and /metrics. All monotonic since start.
struct InformerStats {
  std::uint64_t lists = 0;
  std::uint64_t watches = 0;
  std::uint64_t added = 0;
  std::uint64_t modified = 0;
  std::uint64_t deleted = 0;
  std::uint64_t bookmarks = 0;
  /// Lists forced by 410 Expired/Gone (the resourceVersion fell out of the server's history).
  std::uint64_t relists = 0;
  std::uint64_t failures = 0;
  std::uint64_t resyncs = 0;
  /// The cache holds a complete list (false until the first list succeeds).
  bool synced = false;
  std::string resourceVersion;
  std::string lastError;
};

/// Keeps a cache of one collection in step with the API server the way client-go's
/// reflector does, on a thread of its own: LIST (paged) -> replace the cache -> WATCH from
/// the list's resourceVersion, applying ADDED/MODIFIED/DELETED and keeping the version of
/// every event, bookmarks included; a stream the server ends is watched again from there;
/// 410 Expired/Gone lists again at once; any other failure waits the backoff (on the
/// injected Clock, reset by a success) and then resumes (a failed list lists again, a
/// failed watch watches again from the last version). Every change to the cache, every
/// completed list and every resync calls `onChange` with the whole cache, from the
/// Informer's thread. Log lines: spdlog, "discovery: ...".
///
/// The Client must not be used by anyone else while the Informer runs. Thread-safe: stats()
/// from any thread; stop() from any thread but the Informer's.
class Informer {
 public:
  using Handler = std::function<void(const ObjectCache&)>;

  /// `clock` and `random` must outlive the Informer.
  Informer(Client client, InformerOptions options, const Clock& clock, Random& random,
           Handler onChange);
  /// Stops and joins.
  ~Informer();
  Informer(const Informer&) = delete;
  Informer& operator=(const Informer&) = delete;

  /// Starts the thread. Call once.
  void start();
  /// Ends a wait at once and a watch within about a second, and joins. Idempotent.
  void stop();

  InformerStats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nova::kube
