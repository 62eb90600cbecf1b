// WATCH: a long GET whose body is a stream of JSON events, parsed as it arrives.
#include <boost/json/serialize.hpp>
#include <boost/json/stream_parser.hpp>

#include "client_impl.h"
#include "nova/http/url.h"
#include "status_error.h"

namespace nova::kube {

namespace json = boost::json;
using detail::Call;

namespace {

// A watch stream's events are small; one this large is hostile or broken.
constexpr std::size_t kMaxEventBytes = std::size_t{8} << 20;

std::string watchQuery(const WatchOptions& options) {
  const auto seconds = std::max<DurationMs>(1, options.timeout / kSecond);
  std::string query = "?watch=1";
  if (!options.labelSelector.empty()) {
    query += "&labelSelector=" + http::percentEncode(options.labelSelector);
  }
  if (!options.resourceVersion.empty()) {
    query += "&resourceVersion=" + http::percentEncode(options.resourceVersion);
  }
  if (options.allowBookmarks) {
    query += "&allowWatchBookmarks=true";
  }
  return query + "&timeoutSeconds=" + std::to_string(seconds);
}

std::optional<WatchEvent::Type> typeNamed(std::string_view name) {
  using T = WatchEvent::Type;
  for (T t : {T::kAdded, T::kModified, T::kDeleted, T::kBookmark, T::kError}) {
    if (toString(t) == name) {
      return t;
    }
  }
  return std::nullopt;
}

std::string resourceVersionOf(const json::value& object) {
  const auto* rv = object.is_object() ? object.get_object().if_contains("metadata") : nullptr;
  rv = rv != nullptr && rv->is_object() ? rv->get_object().if_contains("resourceVersion") : nullptr;
  return rv != nullptr && rv->is_string() ? std::string(rv->get_string()) : "";
}

// Feeds the body to the JSON parser value by value and hands each event on; remembers why
// the stream must end (a decode failure, an ERROR event, or a non-event body: a Status).
class EventStream {
 public:
  EventStream(const WatchHandler& onEvent, const KeepWatching& keep, std::string from)
      : onEvent_(onEvent), keep_(keep), resourceVersion_(std::move(from)) {}

  bool feed(std::string_view chunk) {
    if (chunk.empty()) {
      return keepGoing();
    }
    while (!chunk.empty()) {
      json::error_code ec;
      const std::size_t used = parser_.write_some(chunk.data(), chunk.size(), ec);
      valueBytes_ += used;
      chunk.remove_prefix(used);
      if (ec) {
        decodeError_ = ec.message();
        return false;
      }
      if (valueBytes_ > kMaxEventBytes) {
        decodeError_ = "a watch event exceeds " + std::to_string(kMaxEventBytes) + " bytes";
        return false;
      }
      if (parser_.done()) {
        json::value value = parser_.release();
        parser_.reset();
        valueBytes_ = 0;
        if (!deliver(std::move(value))) {
          return false;
        }
      }
    }
    return keepGoing();
  }

  const std::string& resourceVersion() const { return resourceVersion_; }
  bool stopped() const { return stopped_; }
  const std::string& decodeError() const { return decodeError_; }
  /// The Status of an ERROR event or of an error answer's body, if one came.
  const std::optional<json::value>& status() const { return status_; }

 private:
  bool keepGoing() {
    if (keep_ && !keep_()) {
      stopped_ = true;
    }
    return !stopped_;
  }

  bool deliver(json::value value) {
    const auto* object = value.if_object();
    const auto* type = object != nullptr ? object->if_contains("type") : nullptr;
    const auto* inner = object != nullptr ? object->if_contains("object") : nullptr;
    if (type == nullptr || inner == nullptr || !type->is_string()) {
      // Not an event: the Status body of an error answer (the caller reads the HTTP status).
      status_ = std::move(value);
      return false;
    }
    auto kind = typeNamed(type->get_string());
    if (!kind) {
      decodeError_ = "unknown watch event type \"" + std::string(type->get_string()) + "\"";
      return false;
    }
    WatchEvent event{*kind, *inner};
    if (*kind == WatchEvent::Type::kError) {
      status_ = std::move(event.object);
      return false;
    }
    if (std::string rv = resourceVersionOf(event.object); !rv.empty()) {
      resourceVersion_ = std::move(rv);
    }
    if (!onEvent_(event)) {
      stopped_ = true;
      return false;
    }
    return true;
  }

  const WatchHandler& onEvent_;
  const KeepWatching& keep_;
  json::stream_parser parser_;
  std::size_t valueBytes_ = 0;
  std::string resourceVersion_;
  bool stopped_ = false;
  std::string decodeError_;
  std::optional<json::value> status_;
};

// An ERROR event's Status as the error an HTTP answer with that Status would be.
ApiError fromStatusObject(const json::value& status, long httpStatus, const Call& call,
                          TimestampMs now) {
  http::Response response;
  response.status = httpStatus;
  if (const auto* code = status.is_object() ? status.get_object().if_contains("code") : nullptr;
      code != nullptr && code->is_int64() && httpStatus < 300) {
    response.status = static_cast<long>(code->get_int64());
  }
  if (response.status < 400) {
    response.status = 500;  // an ERROR event without a code is still a failure
  }
  response.body = json::serialize(status);
  return detail::fromResponse(response, call.verb, call.what, now);
}

}  // namespace

std::string_view toString(WatchEvent::Type type) {
  switch (type) {
    case WatchEvent::Type::kAdded:
      return "ADDED";
    case WatchEvent::Type::kModified:
      return "MODIFIED";
    case WatchEvent::Type::kDeleted:
      return "DELETED";
    case WatchEvent::Type::kBookmark:
      return "BOOKMARK";
    case WatchEvent::Type::kError:
      return "ERROR";
  }
  return "?";
}

ApiResult<WatchEnd> Client::watch(const CollectionRef& ref, const WatchOptions& options,
                                  const WatchHandler& onEvent, const KeepWatching& keepWatching) {
  Call call{"watch", "GET", ref.path() + watchQuery(options), ref.describe()};
  EventStream events(onEvent, keepWatching, options.resourceVersion);
  // The server ends the stream at timeoutSeconds; the transfer's own bound leaves it room.
  const DurationMs bound = std::max<DurationMs>(kSecond, options.timeout) + 10 * kSecond;
  auto response =
      impl_->stream(call, bound, [&events](std::string_view chunk) { return events.feed(chunk); });
  const TimestampMs now = impl_->clock.now();
  if (events.status()) {
    return fromStatusObject(*events.status(), response.ok() ? response->status : 200, call, now);
  }
  if (!events.decodeError().empty()) {
    return detail::decodeFailure(response.ok() ? response->status : 200, events.decodeError(),
                                 call.verb, call.what);
  }
  if (events.stopped()) {
    return WatchEnd{events.resourceVersion(), true};
  }
  if (!response.ok()) {
    return std::move(response).error();
  }
  if (response->status < 200 || response->status > 299) {
    return detail::fromResponse(*response, call.verb, call.what, now);
  }
  return WatchEnd{events.resourceVersion(), false};
}

}  // namespace nova::kube
