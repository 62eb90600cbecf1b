#pragma once

#include <boost/json/value.hpp>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "nova/core/clock.h"
#include "nova/fake_kube/fake_kube.h"

namespace nova::fake_kube::detail {

/// A request as the API layer needs it.
struct ApiRequest {
  std::string method;
  std::string path;
  std::string query;
  std::string authorization;
  std::string contentType;
  std::string body;
};

/// What the connection layer must do: answer, or wait first, or reset.
struct ApiResponse {
  int status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  DurationMs delay = 0;
  bool reset = false;
};

/// A served resource type.
struct ResourceType {
  std::string group;
  std::string version;
  std::string resource;  // plural
  std::string kind;
  bool namespaced = true;
  std::vector<std::string> verbs;
  std::vector<std::string> shortNames;
};

/// Every type the fake serves, for routing and discovery.
const std::vector<ResourceType>& resourceTypes();
const ResourceType* typeByResource(std::string_view group, std::string_view resource);
const ResourceType* typeByKind(std::string_view apiVersion, std::string_view kind);

/// "ingresses.networking.k8s.io", "services": the resource as messages name it.
std::string qualified(const ResourceType& type);

/// A 2xx answer with `body`.
ApiResponse jsonResponse(const boost::json::value& body, int status = 200);

/// 409 Conflict "Operation cannot be fulfilled on <qualified> "<name>": <why>", with the
/// details the API server gives.
ApiResponse conflictResponse(const ResourceType& type, const std::string& name,
                             const std::string& why);

/// A Status object body as the API server writes it.
std::string statusBody(int code, const std::string& reason, const std::string& message,
                       const boost::json::value& details = nullptr);
ApiResponse statusResponse(int code, const std::string& reason, const std::string& message,
                           const boost::json::value& details = nullptr);

/// Discovery documents (/api, /apis, /api/v1, /apis/<g>/<v>, /version); nullopt if `path`
/// is none of them.
std::optional<ApiResponse> discovery(const std::string& path, const std::string& hostPort);

/// An open watch: what it selects and how far it has read the change history.
struct WatchCursor {
  const ResourceType* type = nullptr;
  std::string ns;
  std::string labelSelector;
  bool bookmarks = false;
  /// Entries of the history with a larger sequence number are still to be sent.
  std::uint64_t afterSeq = 0;
  /// Events to send first (the synthetic ADDED of a watch without a version, or an ERROR).
  std::string pending;
  MonoTime deadline{};
  /// The expiry generation it opened under; expireWatches() bumps it.
  std::uint64_t generation = 0;
  bool done = false;
};

/// The objects and rules of the fake; every public method locks.
class Api {
 public:
  explicit Api(Options options)
      : options_(std::move(options)),
        clock_(options_.clock != nullptr ? *options_.clock : systemClock_) {}

  /// Serves one request; a slow fault holds it on the clock first (see Fault::kSlow).
  ApiResponse handle(const ApiRequest& request, const std::string& hostPort);
  /// Releases every held request (answered with a reset) and holds no more.
  void stop();

  Status seed(std::string_view text);
  std::optional<boost::json::value> object(std::string_view resource, std::string_view ns,
                                           std::string_view name);
  void setTokens(std::vector<std::string> tokens);
  void forbid(std::string verb, std::string resource);
  void inject(Fault fault);
  void clearFaults();
  void setReadyDelay(DurationMs delay);
  void setRolloutsStalled(bool stalled);

  /// A GET of a collection with watch=1 or watch=true.
  static bool isWatch(const ApiRequest& request);
  /// Opens a watch: an error answer (auth, RBAC, bad selector, unknown resource) or a cursor
  /// whose stream answers 200.
  std::variant<ApiResponse, WatchCursor> openWatch(const ApiRequest& request);
  /// Blocks (on the clock) until the cursor has events to send, its deadline passes or the
  /// server stops; answers the events' text, each a JSON object and a newline. Sets done
  /// when the stream must end after this text.
  std::string nextWatchChunk(WatchCursor& cursor);
  void watchClosed();
  /// Sends a BOOKMARK with the current resourceVersion to open watches of `resource` that
  /// asked for bookmarks.
  void bookmark(std::string_view resource);
  /// Every open watch gets an ERROR 410 Expired and ends; watching from any version older
  /// than the current one answers the same (the history is gone, as after a compaction).
  void expireWatches();
  std::size_t openWatches() const;

  const std::string& tlsCertFile() const { return options_.tlsCertFile; }
  const std::string& tlsKeyFile() const { return options_.tlsKeyFile; }
  std::vector<RecordedRequest> requests() const;
  void clearRequests();
  int writes(std::string_view pathPart) const;
  std::size_t arrivalCount() const;
  bool awaitArrivals(std::size_t count, std::string_view method, std::string_view pathContains,
                     DurationMs realTimeout) const;
  bool awaitAnswers(std::size_t count, std::string_view method, std::string_view pathContains,
                    DurationMs realTimeout) const;

 private:
  struct Stored {
    boost::json::value object;
    MonoTime changedAt{};
    bool settling = false;    // replicas changed; status follows after readyDelay
    bool rollingOut = false;  // the pod template changed; the rollout ends after readyDelay
  };
  struct Target {
    const ResourceType* type = nullptr;
    std::string ns;
    std::string name;  // "" for a list
    std::string subresource;
  };

  ApiResponse serve(const ApiRequest& request, const std::string& hostPort);
  std::optional<ApiResponse> takeFault(const ApiRequest& request);
  std::optional<ApiResponse> checkAuth(const ApiRequest& request) const;
  std::optional<ApiResponse> checkRbac(const std::string& verb, const Target& target) const;
  std::optional<Target> parseTarget(const std::string& path) const;
  ApiResponse serveObject(const ApiRequest& request, const Target& target);
  ApiResponse serveList(const ApiRequest& request, const Target& target);
  ApiResponse createObject(const ApiRequest& request, const Target& target);
  ApiResponse deleteObject(const ApiRequest& request, const Target& target);
  /// Stored objects of `target`'s type and namespace, in key order, after `afterKey`.
  std::vector<std::pair<std::string, const Stored*>> collection(const Target& target,
                                                                const std::string& afterKey) const;
  ApiResponse serveScale(const ApiRequest& request, const Target& target, Stored& stored);
  ApiResponse applyPatch(const ApiRequest& request, const Target& target, boost::json::value& doc);
  ApiResponse notFound(const Target& target) const;
  /// Adds or replaces an object (identity fields, generation and resourceVersion set here);
  /// answers its key.
  std::string store(boost::json::value object, const std::string& createdAt = kSeedTime);
  static constexpr const char* kSeedTime = "2026-01-01T00:00:00Z";
  /// Writes `next` over `stored`: keeps identity fields, bumps generation on a spec change
  /// and resourceVersion on any change; a Deployment replica change starts settling.
  void commit(Stored& stored, boost::json::value next);
  void settle();
  /// A Deployment's pod template changed (api_controller.cpp): the new generation is not
  /// observed and no pod is updated until the controller catches up in progressRollout.
  void startRollout(Stored& stored);
  /// The simulated controller's step for a rolling Deployment at `now`: after readyDelay
  /// every replica is updated and available; a stalled one instead shows Progressing
  /// False ProgressDeadlineExceeded once spec.progressDeadlineSeconds (600) has passed.
  /// Returns whether the status changed.
  bool progressRollout(Stored& stored, MonoTime now);
  void record(const ApiRequest& request, const ApiResponse& response);
  bool awaitCount(const std::vector<RecordedRequest>& list, std::size_t count,
                  std::string_view method, std::string_view pathContains,
                  DurationMs realTimeout) const;
  std::string bumpVersion();
  static std::string key(std::string_view resource, std::string_view ns, std::string_view name);
  /// Appends a change to the watch history and wakes the watches.
  void recordEvent(const char* type, const boost::json::value& object);

  /// One change as watches see it; `seq` orders them (a bookmark takes a number too).
  struct Change {
    std::uint64_t seq = 0;
    std::uint64_t version = 0;
    const ResourceType* type = nullptr;
    std::string ns;
    std::string eventType;
    boost::json::value object;
  };
  static constexpr std::size_t kMaxHistory = 4096;

  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;  // a request arrived or was answered
  Options options_;
  SystemClock systemClock_;
  const Clock& clock_;
  mutable Wakeup held_{clock_};  // slow requests and watches wait here; stop() wakes them
  bool stopping_ = false;        // guarded by held_.mutex()
  std::map<std::string, Stored> objects_;
  std::uint64_t version_ = 1000;
  std::vector<std::pair<std::string, std::string>> forbidden_;
  bool rolloutsStalled_ = false;
  std::deque<Fault> faults_;
  std::vector<RecordedRequest> requests_;
  std::vector<RecordedRequest> arrivals_;  // method and path only
  std::deque<Change> history_;
  std::uint64_t nextSeq_ = 1;           // guarded by mutex_
  std::uint64_t floorVersion_ = 0;      // watching from an older version answers 410
  std::uint64_t headSeq_ = 0;           // guarded by held_.mutex(): the last change's seq
  std::uint64_t expiryGeneration_ = 0;  // guarded by held_.mutex()
  std::size_t openWatches_ = 0;         // guarded by held_.mutex()
};

}  // namespace nova::fake_kube::detail
