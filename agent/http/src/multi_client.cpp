#include "nova/http/multi_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <exception>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "easy_transfer.h"
#include "nova/http/url.h"

namespace nova::http {
namespace {

void initCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct EasyDeleter {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
using EasyPtr = std::unique_ptr<CURL, EasyDeleter>;

// One transfer in flight. The Transfer must not move while curl holds pointers into it.
struct Active {
  EasyPtr easy;
  std::unique_ptr<detail::Transfer> transfer;
  MultiClient::Completion done;
};

}  // namespace

struct MultiClient::Impl {
  Impl() {
    initCurlOnce();
    multi = curl_multi_init();
  }
  ~Impl() {
    for (auto& [id, active] : running) {
      curl_multi_remove_handle(multi, active.easy.get());
    }
    running.clear();
    curl_multi_cleanup(multi);
  }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  std::uint64_t add(const Request& request, Completion done);
  std::size_t collect();

  CURLM* multi = nullptr;
  std::uint64_t nextId = 1;
  std::unordered_map<std::uint64_t, Active> running;
  // Requests refused before they started; completed by the next poll().
  std::vector<std::pair<Completion, Error>> refused;
};

std::uint64_t MultiClient::Impl::add(const Request& request, Completion done) {
  const std::uint64_t id = nextId++;
  const std::string where = request.method + " " + redactUrl(request.url) + ": ";
  if (multi == nullptr) {
    refused.emplace_back(std::move(done), Error(ErrorCode::kInternal,
                                                where + "HTTP client could not be initialised"));
    return id;
  }
  Active active{EasyPtr(curl_easy_init()), std::make_unique<detail::Transfer>(), std::move(done)};
  if (!active.easy) {
    refused.emplace_back(std::move(active.done),
                         Error(ErrorCode::kInternal, where + "out of memory"));
    return id;
  }
  if (Status s = detail::configureEasy(active.easy.get(), request, *active.transfer); !s) {
    refused.emplace_back(std::move(active.done), s.error());
    return id;
  }
  // The id rides along so a finished handle finds its entry.
  curl_easy_setopt(active.easy.get(), CURLOPT_PRIVATE, reinterpret_cast<void*>(id));
  if (CURLMcode code = curl_multi_add_handle(multi, active.easy.get()); code != CURLM_OK) {
    refused.emplace_back(std::move(active.done),
                         Error(ErrorCode::kInternal, where + curl_multi_strerror(code)));
    return id;
  }
  running.emplace(id, std::move(active));
  return id;
}

// Moves finished transfers out first, then runs their completions: a completion may start
// new transfers, which must not disturb the iteration.
std::size_t MultiClient::Impl::collect() {
  std::vector<std::pair<Completion, Result<Response>>> finished;
  for (auto& [done, error] : refused) {
    finished.emplace_back(std::move(done), std::move(error));
  }
  refused.clear();
  int left = 0;
  while (CURLMsg* message = curl_multi_info_read(multi, &left)) {
    if (message->msg != CURLMSG_DONE) {
      continue;
    }
    void* data = nullptr;
    curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &data);
    const CURLcode code = message->data.result;
    auto it = running.find(reinterpret_cast<std::uint64_t>(data));
    if (it == running.end()) {
      continue;
    }
    Active active = std::move(it->second);
    running.erase(it);
    curl_multi_remove_handle(multi, active.easy.get());
    finished.emplace_back(std::move(active.done),
                          detail::finishTransfer(active.easy.get(), code, *active.transfer));
  }
  for (auto& [done, result] : finished) {
    if (done) {
      done(std::move(result));
    }
  }
  return finished.size();
}

MultiClient::MultiClient() : impl_(std::make_unique<Impl>()) {}
MultiClient::~MultiClient() = default;

std::uint64_t MultiClient::start(const Request& request, Completion done) {
  try {
    return impl_->add(request, std::move(done));
  } catch (const std::exception& e) {
    impl_->refused.emplace_back(
        std::move(done), Error(ErrorCode::kInternal,
                               request.method + " " + redactUrl(request.url) + ": " + e.what()));
    return 0;
  }
}

std::size_t MultiClient::poll(DurationMs maxWait) {
  if (!impl_->refused.empty() || impl_->multi == nullptr) {
    return impl_->collect();
  }
  int stillRunning = 0;
  curl_multi_perform(impl_->multi, &stillRunning);
  std::size_t completed = impl_->collect();
  if (completed > 0) {
    return completed;
  }
  // curl's own timeout hint keeps its timers (connect, transfer timeouts) on time.
  long curlTimeout = -1;
  curl_multi_timeout(impl_->multi, &curlTimeout);
  long wait = static_cast<long>(std::max<DurationMs>(0, maxWait));
  if (curlTimeout >= 0) {
    wait = std::min(wait, curlTimeout);
  }
  if (wait > 0) {
    curl_multi_poll(impl_->multi, nullptr, 0, static_cast<int>(wait), nullptr);
  }
  curl_multi_perform(impl_->multi, &stillRunning);
  return impl_->collect();
}

void MultiClient::wakeup() {
  if (impl_->multi != nullptr) {
    curl_multi_wakeup(impl_->multi);
  }
}

void MultiClient::cancel(std::uint64_t id) {
  auto it = impl_->running.find(id);
  if (it == impl_->running.end()) {
    return;
  }
  curl_multi_remove_handle(impl_->multi, it->second.easy.get());
  impl_->running.erase(it);
}

std::size_t MultiClient::inFlight() const {
  return impl_->running.size() + impl_->refused.size();
}

}  // namespace nova::http
