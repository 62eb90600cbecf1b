// Watch streams (specs/kubernetes-discovery-lease.md §4): the three resourceVersion modes,
// bookmarks on request, 410 Expired inside the stream, the end at timeoutSeconds.
#include <boost/json/serialize.hpp>

#include "api.h"
#include "selectors.h"

namespace nova::fake_kube::detail {

namespace json = boost::json;

namespace {

// The real server ends a watch without timeoutSeconds after 30-60 minutes.
constexpr DurationMs kDefaultWatchTimeout = 30 * kMinute;

std::string metaString(const json::value& object, const char* key) {
  const auto* meta = object.is_object() ? object.get_object().if_contains("metadata") : nullptr;
  const auto* v =
      meta != nullptr && meta->is_object() ? meta->get_object().if_contains(key) : nullptr;
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : "";
}

std::string eventText(std::string_view type, const json::value& object) {
  return json::serialize(json::object{{"type", type}, {"object", object}}) + "\n";
}

std::string expiredEvent(std::uint64_t asked, std::uint64_t oldest) {
  return eventText("ERROR",
                   json::object{{"kind", "Status"},
                                {"apiVersion", "v1"},
                                {"metadata", json::object{}},
                                {"status", "Failure"},
                                {"message", "too old resource version: " + std::to_string(asked) +
                                                " (" + std::to_string(oldest) + ")"},
                                {"reason", "Expired"},
                                {"code", 410}});
}

}  // namespace

bool Api::isWatch(const ApiRequest& request) {
  if (request.method != "GET") {
    return false;
  }
  const auto params = parseQuery(request.query);
  auto it = params.find("watch");
  return it != params.end() && (it->second == "1" || it->second == "true");
}

void Api::recordEvent(const char* type, const json::value& object) {
  const ResourceType* resource =
      typeByKind(object.is_object() && object.get_object().contains("apiVersion")
                     ? std::string(object.at("apiVersion").as_string())
                     : std::string(),
                 object.is_object() && object.get_object().contains("kind")
                     ? std::string(object.at("kind").as_string())
                     : std::string());
  if (resource == nullptr) {
    return;
  }
  Change change{nextSeq_++, version_, resource, metaString(object, "namespace"), type, object};
  history_.push_back(std::move(change));
  while (history_.size() > kMaxHistory) {
    floorVersion_ = history_.front().version;
    history_.pop_front();
  }
  {
    std::lock_guard lock(held_.mutex());
    headSeq_ = history_.back().seq;
  }
  held_.notifyAll();
}

std::variant<ApiResponse, WatchCursor> Api::openWatch(const ApiRequest& request) {
  std::lock_guard lock(mutex_);
  arrivals_.push_back({request.method, request.path, request.query, "", "", 0});
  auto refuse = [&](ApiResponse response) {
    record(request, response);
    changed_.notify_all();
    return response;
  };
  if (auto denied = checkAuth(request)) {
    return refuse(*denied);
  }
  auto target = parseTarget(request.path);
  if (!target || !target->name.empty()) {
    return refuse(
        statusResponse(405, "MethodNotAllowed",
                       "the server does not allow this method on the requested resource"));
  }
  if (auto denied = checkRbac("watch", *target)) {
    return refuse(*denied);
  }
  const auto params = parseQuery(request.query);
  auto param = [&](const char* key) {
    auto it = params.find(key);
    return it == params.end() ? std::string() : it->second;
  };
  auto labels = parseLabelSelector(param("labelSelector"));
  if (const auto* why = std::get_if<std::string>(&labels)) {
    return refuse(statusResponse(400, "BadRequest", *why));
  }
  WatchCursor cursor;
  cursor.type = target->type;
  cursor.ns = target->ns;
  cursor.labelSelector = param("labelSelector");
  cursor.bookmarks = param("allowWatchBookmarks") == "true";
  DurationMs timeout = kDefaultWatchTimeout;
  if (const std::string seconds = param("timeoutSeconds"); !seconds.empty()) {
    try {
      timeout = std::stoll(seconds) * kSecond;
    } catch (const std::exception&) {
      return refuse(statusResponse(400, "BadRequest", "timeoutSeconds: invalid value"));
    }
  }
  cursor.deadline = clock_.monoNow() + timeout;
  cursor.afterSeq = nextSeq_ - 1;
  const std::string rv = param("resourceVersion");
  if (rv.empty() || rv == "0") {
    // A synthetic ADDED for every object that exists now, then the changes.
    const auto& wanted = std::get<std::vector<LabelRequirement>>(labels);
    for (const auto& [k, stored] : collection(*target, "")) {
      if (matchesLabels(wanted, stored->object)) {
        cursor.pending += eventText("ADDED", stored->object);
      }
    }
  } else {
    std::uint64_t asked = 0;
    try {
      asked = std::stoull(rv);
    } catch (const std::exception&) {
      return refuse(
          statusResponse(400, "BadRequest", "resourceVersion: invalid value \"" + rv + "\""));
    }
    if (asked < floorVersion_) {
      cursor.pending = expiredEvent(asked, floorVersion_);
      cursor.done = true;
    } else {
      for (const auto& change : history_) {
        if (change.version <= asked) {
          cursor.afterSeq = change.seq;
        }
      }
    }
  }
  {
    std::lock_guard held(held_.mutex());
    cursor.generation = expiryGeneration_;
    ++openWatches_;
  }
  record(request, ApiResponse{});
  changed_.notify_all();
  return cursor;
}

std::string Api::nextWatchChunk(WatchCursor& cursor) {
  std::string out = std::move(cursor.pending);
  cursor.pending.clear();
  if (cursor.done || !out.empty()) {
    return out;
  }
  bool expiredNow = false;
  {
    std::unique_lock lock(held_.mutex());
    held_.waitUntil(lock, cursor.deadline, [&] {
      return stopping_ || headSeq_ > cursor.afterSeq || expiryGeneration_ != cursor.generation;
    });
    expiredNow = expiryGeneration_ != cursor.generation;
    if (stopping_ || clock_.monoNow() >= cursor.deadline) {
      cursor.done = true;
    }
  }
  std::lock_guard lock(mutex_);
  if (expiredNow) {
    cursor.done = true;
    return expiredEvent(version_, version_);
  }
  const auto labels = parseLabelSelector(cursor.labelSelector);
  const auto& wanted = std::get<std::vector<LabelRequirement>>(labels);
  for (const auto& change : history_) {
    if (change.seq <= cursor.afterSeq) {
      continue;
    }
    cursor.afterSeq = change.seq;
    const bool bookmark = change.eventType == "BOOKMARK";
    if (change.type != cursor.type || (!bookmark && !cursor.ns.empty() && change.ns != cursor.ns)) {
      continue;
    }
    if (bookmark) {
      if (cursor.bookmarks) {
        out += eventText("BOOKMARK", change.object);
      }
    } else if (matchesLabels(wanted, change.object)) {
      out += eventText(change.eventType, change.object);
    }
  }
  return out;
}

void Api::watchClosed() {
  std::lock_guard lock(held_.mutex());
  --openWatches_;
}

void Api::bookmark(std::string_view resource) {
  std::lock_guard lock(mutex_);
  for (const auto& type : resourceTypes()) {
    if (type.resource != resource) {
      continue;
    }
    const std::string gv = type.group.empty() ? type.version : type.group + "/" + type.version;
    json::value object{{"kind", type.kind},
                       {"apiVersion", gv},
                       {"metadata", {{"resourceVersion", std::to_string(version_)}}}};
    history_.push_back(Change{nextSeq_++, version_, &type, "", "BOOKMARK", std::move(object)});
    {
      std::lock_guard held(held_.mutex());
      headSeq_ = history_.back().seq;
    }
    held_.notifyAll();
    return;
  }
}

void Api::expireWatches() {
  {
    std::lock_guard lock(mutex_);
    floorVersion_ = version_;
  }
  {
    std::lock_guard lock(held_.mutex());
    ++expiryGeneration_;
  }
  held_.notifyAll();
}

std::size_t Api::openWatches() const {
  std::lock_guard lock(held_.mutex());
  return openWatches_;
}

}  // namespace nova::fake_kube::detail
