#pragma once

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "nova/core/backoff.h"
#include "nova/core/clock.h"
#include "nova/core/random.h"
#include "nova/core/time.h"
#include "nova/kube/api_error.h"
#include "nova/kube/config.h"
#include "nova/kube/object_ref.h"
#include "nova/kube/watch.h"

namespace nova::kube {

/// When and how often a failed call is tried again. Calls whose error is retryable (429,
/// 5xx, timeouts and other transport failures) are tried again: a 429 or 5xx with a wait
/// hint (Retry-After as seconds or an HTTP date, or details.retryAfterSeconds) waits that
/// long, capped by maxRetryAfter; otherwise the wait is `backoff` (capped exponential with
/// equal jitter, nova::Backoff). 401 is retried once, at once, and only when the token file
/// now holds a different token; 403, 404, 409 and 422 are never retried.
struct RetryPolicy {
  /// Attempts in all, the first one included (at least 1).
  int attempts = 5;
  Backoff backoff{100, 2 * kSecond};
  DurationMs maxRetryAfter = 10 * kSecond;
};

struct ClientOptions {
  /// Bound on one HTTP exchange, in ms.
  DurationMs timeout = 5 * kSecond;
  DurationMs connectTimeout = 2 * kSecond;
  RetryPolicy retry;
  /// How often the token file is re-read even without a 401, in ms of monotonic time.
  DurationMs tokenReload = kMinute;
  std::string userAgent = "nova-agent";
};

/// Which items a list returns, and which page of them.
struct ListOptions {
  /// A label selector as kubectl writes it: "app=web,tier!=db", "env in (prod,qa)",
  /// "!canary"; "" selects everything.
  std::string labelSelector{};
  /// A field selector; the API server supports metadata.name and metadata.namespace for
  /// every type ("metadata.name=api-ingress"); "" selects everything.
  std::string fieldSelector{};
  /// At most this many items in one page; 0 lets the server return them all.
  std::int64_t limit = 0;
  /// The continueToken of the previous page; "" asks for the first page. A token the server
  /// no longer honours answers 410 Expired (kConflict): start the list again.
  std::string continueToken{};
};

/// One page of a list.
struct ObjectList {
  /// The objects, in the server's order. Items of built-in types carry no kind or
  /// apiVersion of their own (the list's kind names them).
  std::vector<boost::json::value> items;
  /// metadata.resourceVersion of the list: the state it shows, where a watch would start.
  std::string resourceVersion;
  /// metadata.continue: not empty when more items remain; pass it back in ListOptions.
  std::string continueToken;
};

/// Conditions a delete must meet, so it removes exactly the object that was read.
struct DeletePreconditions {
  /// The object's metadata.resourceVersion; "" places no condition.
  std::string resourceVersion{};
  /// The object's metadata.uid; "" places no condition.
  std::string uid{};
};

/// A blocking Kubernetes REST client for the few calls the traffic switches and the rollout
/// make. Every call returns the object the server answered with, or an ApiError whose
/// summary names the verb and object. Retries, the waits between them (on the injected
/// Clock) and their log lines (spdlog, "kube: ...") happen inside. Not thread-safe: one call
/// at a time; use one Client per thread.
class Client {
 public:
  /// `clock` times the waits between attempts and the token reloads; `random` jitters the
  /// backoff. Both must outlive the Client.
  Client(ClusterConfig config, const Clock& clock, Random& random, ClientOptions options = {});
  ~Client();
  Client(Client&&) noexcept;
  Client& operator=(Client&&) noexcept;

  /// GET the object.
  ApiResult<boost::json::value> get(const ObjectRef& ref);
  /// PATCH with application/json-patch+json (RFC 6902). The server applies all operations
  /// or none; a failed `test` comes back as 422 Invalid.
  ApiResult<boost::json::value> jsonPatch(const ObjectRef& ref, const boost::json::array& ops);
  /// PATCH with application/merge-patch+json (RFC 7386): arrays are replaced whole.
  ApiResult<boost::json::value> mergePatch(const ObjectRef& ref, const boost::json::value& patch);
  /// PUT the whole object (optimistic locking by metadata.resourceVersion; 409 if stale).
  ApiResult<boost::json::value> put(const ObjectRef& ref, const boost::json::value& object);

  /// LIST a collection: one page of its items and the list's resourceVersion.
  ApiResult<ObjectList> list(const CollectionRef& ref, const ListOptions& options = {});
  /// WATCH a collection: streams its changes to `onEvent` until the server closes the
  /// stream (after options.timeout), the handler or `keepWatching` says stop, or it fails.
  /// Tried once (no retries: the caller's list-and-watch loop backs off and resumes). An
  /// ERROR event ends the watch as an ApiError with the Status' code: 410 Expired (or
  /// Gone, kConflict) when the resourceVersion is too old, which needs a new list. An
  /// HTTP error answer is the usual ApiError. A stream that is not JSON fails with reason
  /// "Decode". Events are parsed incrementally (JSON is the framing, not lines or chunks).
  ApiResult<WatchEnd> watch(const CollectionRef& ref, const WatchOptions& options,
                            const WatchHandler& onEvent, const KeepWatching& keepWatching = {});
  /// POST `object` into the collection; answers the object as created (uid,
  /// resourceVersion). A name already taken is 409 AlreadyExists (kConflict), also when a
  /// retried create finds its own lost first attempt: the caller judges by reading.
  ApiResult<boost::json::value> create(const CollectionRef& ref, const boost::json::value& object);
  /// DELETE the object, only if `preconditions` still hold (409 Conflict otherwise); answers
  /// the server's reply (the object as it was deleted, or a Status). A missing object is 404
  /// (kNotFound), also when a retried delete finds its own lost first attempt done.
  ApiResult<boost::json::value> remove(const ObjectRef& ref,
                                       const DeletePreconditions& preconditions = {});

  /// spec.replicas of a Deployment's scale subresource (absent means 0).
  ApiResult<std::int64_t> getScale(const std::string& ns, const std::string& deployment);
  /// Sets spec.replicas through the scale subresource (a merge patch); returns the Scale.
  ApiResult<boost::json::value> setScale(const std::string& ns, const std::string& deployment,
                                         std::int64_t replicas);

  const ClusterConfig& config() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The client-go style JSON Pointer token: "~" -> "~0", "/" -> "~1" (RFC 6901).
std::string escapePointerToken(std::string_view token);

}  // namespace nova::kube
