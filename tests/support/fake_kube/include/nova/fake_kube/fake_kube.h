#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nova/core/clock.h"
#include "nova/core/result.h"
#include "nova/core/time.h"

namespace nova::fake_kube {

/// A failure the server produces instead of (or before) its normal answer.
struct Fault {
  enum class Kind {
    kTooManyRequests,     ///< 429 TooManyRequests with Retry-After.
    kInternalError,       ///< 500 InternalError.
    kServiceUnavailable,  ///< 503 ServiceUnavailable with Retry-After.
    kGatewayTimeout,      ///< 504 Timeout.
    kSlow,                ///< Holds the request `delay` ms of the server's clock, then
                          ///< answers normally (a stopped server resets it instead).
    kReset,               ///< Closes the connection with a TCP reset, no response.
  };
  Kind kind = Kind::kInternalError;
  /// Only requests with this method ("" = any) whose path contains this text ("" = any).
  std::string method;
  std::string pathContains;
  /// How many matching requests it hits before it is used up.
  int times = 1;
  /// Retry-After (and details.retryAfterSeconds) for 429 and 503, in seconds; 0 = none.
  int retryAfterSeconds = 1;
  DurationMs delay = 0;
};

/// One request as the server saw it, with the status it answered (0 for a reset).
struct RecordedRequest {
  std::string method;
  std::string path;
  std::string query;
  std::string contentType;
  std::string body;
  int status = 0;
};

struct Options {
  std::string address = "127.0.0.1";
  /// 0 picks a free port.
  std::uint16_t port = 0;
  /// Bearer tokens accepted; empty accepts any request, authenticated or not.
  std::vector<std::string> tokens;
  /// The user named in 403 messages.
  std::string user = "system:serviceaccount:production:nova-agent";
  /// How long after a replica or pod template change the simulated controller makes status
  /// follow, in ms.
  DurationMs readyDelay = 0;
  /// Times the simulated controller and slow answers (monotonic time); nullptr: the system
  /// clock. With a ManualClock a test moves both by advance(). Must outlive the server.
  const Clock* clock = nullptr;
  /// PEM certificate chain and key: when both are set the server speaks HTTPS only (kubectl
  /// sends bearer tokens over TLS only).
  std::string tlsCertFile;
  std::string tlsKeyFile;
};

/// A Kubernetes API server double, faithful to specs/kubernetes.md for what it serves:
/// GET/PATCH/PUT/POST/DELETE of ingresses (networking.k8s.io/v1), httproutes
/// (gateway.networking.k8s.io/v1), deployments (apps/v1), leases (coordination.k8s.io/v1),
/// endpointslices (discovery.k8s.io/v1), services, configmaps and secrets; GET and LIST of
/// pods and the cluster-scoped namespaces and nodes; GET/PATCH/PUT of
/// deployments/{name}/scale; a change of a Deployment's pod template (the image) bumps
/// metadata.generation and starts a rollout the simulated controller completes after
/// readyDelay (observedGeneration, updated and available replicas, Progressing
/// NewReplicaSetAvailable), or stalls (setRolloutsStalled); lists with label and field selectors
/// (metadata.name, metadata.namespace), limit and continue tokens (a token expires, 410 Expired, at
/// the next write: no history is kept), the list kind and metadata.resourceVersion; discovery
/// (/api, /apis, /api/v1, /apis/<group>/<version>, /version) for kubectl; watches of every
/// collection (`?watch=1`, specs/kubernetes-discovery-lease.md §4): resourceVersion unset
/// or "0" starts with a synthetic ADDED per object, any other version streams the changes
/// after it from a bounded history (older than the history: an ERROR 410 Expired event in
/// the 200 stream), label selectors, BOOKMARKs when allowWatchBookmarks=true and bookmark()
/// is called, the end of the stream at timeoutSeconds on the server's clock (30 min
/// without). Every write bumps
/// metadata.resourceVersion; create answers 201, 409 AlreadyExists or 422 for a missing
/// name; delete honours DeleteOptions preconditions (409) and answers the object; JSON
/// patch is RFC 6902 with `test` (any failure: 422 Invalid, "the server rejected our
/// request due to an error in our request"); merge patch is RFC 7386 (strategic merge is
/// served as merge for built-in kinds and refused with 415 for httproutes). Each connection
/// gets its own thread, so a slow answer delays only its own client. All methods are
/// thread-safe.
class FakeKube {
 public:
  static Result<std::unique_ptr<FakeKube>> start(Options options = {});
  ~FakeKube();
  FakeKube(const FakeKube&) = delete;
  FakeKube& operator=(const FakeKube&) = delete;

  std::uint16_t port() const;
  /// "http://127.0.0.1:<port>" (https with TLS).
  std::string url() const;

  /// Adds or replaces objects: one JSON object, a JSON `List`, or YAML documents separated
  /// by `---`. Kinds: those served (others are stored under their lower-case plural in the
  /// core group). metadata.creationTimestamp is kept when given (2026-01-01T00:00:00Z
  /// otherwise). Errors name the document.
  Status seed(std::string_view text);
  /// A copy of the stored object; `resource` is the plural ("ingresses").
  std::optional<boost::json::value> object(std::string_view resource, std::string_view ns,
                                           std::string_view name) const;

  void setTokens(std::vector<std::string> tokens);
  /// Refuses `verb` (get, list, patch, update) on `resource` ("ingresses",
  /// "deployments/scale") with 403 and the RBAC message the real server writes.
  void forbid(std::string verb, std::string resource);
  void inject(Fault fault);
  void clearFaults();
  /// Sends a BOOKMARK (the current resourceVersion) to the open watches of `resource`
  /// ("endpointslices") that asked for bookmarks.
  void bookmark(std::string_view resource);
  /// Ends every open watch with an ERROR 410 Expired event, and answers the same to a
  /// watch from any version older than the current one (the history is compacted).
  void expireWatches();
  /// Watches streaming now.
  std::size_t openWatches() const;
  void setReadyDelay(DurationMs delay);
  /// While set, Deployment rollouts started from now on never finish: the controller
  /// observes the generation but updates no pod, and once spec.progressDeadlineSeconds
  /// (default 600) has passed on the server's clock it reports Progressing False with
  /// reason ProgressDeadlineExceeded, as the real controller does.
  void setRolloutsStalled(bool stalled);

  /// Requests answered so far, in the order they were answered (a held request once it is
  /// answered).
  std::vector<RecordedRequest> requests() const;
  void clearRequests();
  /// Blocks until `count` requests whose method is `method` ("" = any) and whose path
  /// contains `pathContains` have arrived since the start (or the last clearRequests()); a
  /// held slow request counts as soon as it is held, with its release time already fixed, so
  /// a test may advance the clock right after. Waits at most `realTimeout` ms of real time,
  /// so a broken test fails instead of hanging; returns whether they arrived.
  bool awaitArrivals(std::size_t count, std::string_view method = "",
                     std::string_view pathContains = "",
                     DurationMs realTimeout = 10 * kSecond) const;
  /// How many requests have arrived so far (held ones included).
  std::size_t arrivalCount() const;
  /// As awaitArrivals(), for requests answered (those requests() lists).
  bool awaitAnswers(std::size_t count, std::string_view method = "",
                    std::string_view pathContains = "",
                    DurationMs realTimeout = 10 * kSecond) const;
  /// Successful writes (POST, PATCH, PUT or DELETE answered 2xx) whose path contains
  /// `pathPart`.
  int writes(std::string_view pathPart) const;

  /// Closes the listener and every connection and joins their threads. Idempotent.
  void stop();

 private:
  struct Impl;
  explicit FakeKube(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace nova::fake_kube
