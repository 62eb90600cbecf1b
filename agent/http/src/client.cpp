#include "nova/http/client.h"

#include <curl/curl.h>

#include <exception>
#include <mutex>

#include "easy_transfer.h"
#include "header_lookup.h"
#include "nova/http/url.h"

namespace nova::http {

namespace {

// curl_global_init is process-wide and not thread-safe by itself; the first Client does
// it once. The matching cleanup is left to process exit.
void initCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

const std::string* Response::header(std::string_view name) const {
  return detail::findHeader(headers, name);
}

struct Client::Impl {
  Impl() {
    initCurlOnce();
    easy = curl_easy_init();
  }
  ~Impl() { curl_easy_cleanup(easy); }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  CURL* easy = nullptr;
};

Client::Client() : impl_(std::make_unique<Impl>()) {}
Client::~Client() = default;
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;

Result<Response> Client::perform(const Request& request) {
  const std::string where = request.method + " " + redactUrl(request.url) + ": ";
  try {
    if (impl_ == nullptr || impl_->easy == nullptr) {
      return Error(ErrorCode::kInternal, where + "HTTP client could not be initialised");
    }
    // reset() clears the options but keeps the connection and DNS caches (keep-alive).
    curl_easy_reset(impl_->easy);
    detail::Transfer transfer;
    if (Status configured = detail::configureEasy(impl_->easy, request, transfer); !configured) {
      return configured.error();
    }
    CURLcode code = curl_easy_perform(impl_->easy);
    return detail::finishTransfer(impl_->easy, code, transfer);
  } catch (const std::exception& e) {
    return Error(ErrorCode::kInternal, where + e.what());
  }
}

}  // namespace nova::http
