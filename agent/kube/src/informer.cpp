// The list-and-watch loop (client-go's reflector, reduced to one collection).
#include "nova/kube/informer.h"

#include <spdlog/spdlog.h>

#include <mutex>
#include <thread>

namespace nova::kube {

namespace json = boost::json;

namespace {

std::string nameOf(const json::value& object) {
  const auto* name = object.is_object() ? object.get_object().if_contains("metadata") : nullptr;
  name = name != nullptr && name->is_object() ? name->get_object().if_contains("name") : nullptr;
  return name != nullptr && name->is_string() ? std::string(name->get_string()) : "";
}

// 410 Expired (reason Gone on servers up to 1.17): the version left the server's history.
bool expired(const ApiError& error) {
  return error.status == 410 || error.reason == "Expired" || error.reason == "Gone";
}

}  // namespace

struct Informer::Impl {
  Impl(Client c, InformerOptions o, const Clock& k, Random& r, Handler h)
      : client(std::move(c)), options(std::move(o)), clock(k), random(r), onChange(std::move(h)) {}

  void run();
  bool list();
  // Watches until the stream ends; false after a failure (the caller backs off).
  bool watch(bool& needList);
  void fail(const std::string& what, const ApiError& error);
  // Waits the backoff for `failures` consecutive failures; false when stopping.
  bool pause(int failures);
  bool stopping() {
    std::lock_guard lock(wakeup.mutex());
    return stopRequested;
  }
  void deliver() {
    nextResync = clock.monoNow() + options.resync;
    onChange(cache);
  }
  void maybeResync() {
    if (options.resync > 0 && clock.monoNow() >= nextResync) {
      bump(&InformerStats::resyncs);
      deliver();
    }
  }
  void bump(std::uint64_t InformerStats::*counter) {
    std::lock_guard lock(statsMutex);
    ++(stats.*counter);
  }

  Client client;
  InformerOptions options;
  const Clock& clock;
  Random& random;
  Handler onChange;
  ObjectCache cache;  // the Informer's thread only
  std::string resourceVersion;
  MonoTime nextResync{};

  Wakeup wakeup{clock};
  bool stopRequested = false;  // guarded by wakeup.mutex()
  mutable std::mutex statsMutex;
  InformerStats stats;  // guarded by statsMutex
  std::thread thread;
};

bool Informer::Impl::list() {
  ObjectCache fresh;
  ListOptions page{options.labelSelector, "", options.pageSize, ""};
  std::string version;
  do {
    auto result = client.list(options.collection, page);
    if (!result.ok()) {
      // An expired continue token: start the list again from its first page, at once.
      if (expired(result.error()) && !page.continueToken.empty()) {
        page.continueToken.clear();
        fresh.clear();
        continue;
      }
      fail("list", result.error());
      return false;
    }
    for (auto& item : result->items) {
      fresh[nameOf(item)] = std::move(item);
    }
    version = result->resourceVersion;
    page.continueToken = result->continueToken;
  } while (!page.continueToken.empty());
  cache = std::move(fresh);  // objects missing from the new list are deletions
  resourceVersion = version;
  {
    std::lock_guard lock(statsMutex);
    ++stats.lists;
    stats.synced = true;
    stats.resourceVersion = resourceVersion;
  }
  spdlog::info("discovery: listed {} ({} objects, resourceVersion {})",
               options.collection.describe(), cache.size(), resourceVersion);
  deliver();
  return true;
}

bool Informer::Impl::watch(bool& needList) {
  bump(&InformerStats::watches);
  WatchOptions watchOptions{options.labelSelector, resourceVersion, true, options.watchTimeout};
  auto onEvent = [this](const WatchEvent& event) {
    const std::string name = nameOf(event.object);
    switch (event.type) {
      case WatchEvent::Type::kAdded:
      case WatchEvent::Type::kModified:
        bump(event.type == WatchEvent::Type::kAdded ? &InformerStats::added
                                                    : &InformerStats::modified);
        cache[name] = event.object;
        break;
      case WatchEvent::Type::kDeleted:
        bump(&InformerStats::deleted);
        cache.erase(name);
        break;
      case WatchEvent::Type::kBookmark:
        bump(&InformerStats::bookmarks);
        break;
      case WatchEvent::Type::kError:  // Client::watch ends the stream with an error instead
        break;
    }
    if (event.type != WatchEvent::Type::kBookmark) {
      deliver();
    }
    return !stopping();
  };
  auto keep = [this] {
    maybeResync();
    return !stopping();
  };
  auto end = client.watch(options.collection, watchOptions, onEvent, keep);
  if (!end.ok()) {
    if (expired(end.error())) {
      bump(&InformerStats::relists);
      spdlog::info("discovery: {}; listing again", end.error().summary);
      needList = true;
      return true;
    }
    fail("watch", end.error());
    return false;
  }
  resourceVersion = end->resourceVersion;
  std::lock_guard lock(statsMutex);
  stats.resourceVersion = resourceVersion;
  return true;
}

void Informer::Impl::fail(const std::string& what, const ApiError& error) {
  spdlog::warn("discovery: {} failed: {}", what, error.summary);
  std::lock_guard lock(statsMutex);
  ++stats.failures;
  stats.lastError = error.summary;
}

bool Informer::Impl::pause(int failures) {
  const DurationMs wait = options.backoff.delay(failures, random.uniform());
  std::unique_lock lock(wakeup.mutex());
  return !wakeup.waitFor(lock, wait, [this] { return stopRequested; });
}

void Informer::Impl::run() {
  bool needList = true;
  int failures = 0;
  while (!stopping()) {
    bool ok = false;
    if (needList) {
      ok = list();
      needList = !ok;
    } else {
      ok = watch(needList);
    }
    if (ok) {
      failures = 0;
      continue;
    }
    if (!pause(++failures)) {
      break;
    }
  }
}

Informer::Informer(Client client, InformerOptions options, const Clock& clock, Random& random,
                   Handler onChange)
    : impl_(std::make_unique<Impl>(std::move(client), std::move(options), clock, random,
                                   std::move(onChange))) {}

Informer::~Informer() {
  stop();
}

void Informer::start() {
  impl_->thread = std::thread([this] { impl_->run(); });
}

void Informer::stop() {
  {
    std::lock_guard lock(impl_->wakeup.mutex());
    impl_->stopRequested = true;
  }
  impl_->wakeup.notifyAll();
  if (impl_->thread.joinable()) {
    impl_->thread.join();
  }
}

InformerStats Informer::stats() const {
  std::lock_guard lock(impl_->statsMutex);
  return impl_->stats;
}

}  // namespace nova::kube
