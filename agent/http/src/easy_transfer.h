#pragma once

#include <curl/curl.h>

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "nova/core/result.h"
#include "nova/http/client.h"

namespace nova::http::detail {

/// What one transfer's callbacks write into and what its options point at. Both the
/// blocking Client and a multi-handle driver own one per transfer; it must stay at one
/// address (callbacks hold pointers to it) and outlive the transfer.
struct Transfer {
  Transfer() = default;
  ~Transfer();
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;

  std::string method;
  std::string url;  // redactUrl() of the request URL, for messages
  std::string requestBody;
  curl_slist* requestHeaders = nullptr;

  std::string body;
  Headers headers;
  std::size_t maxBodyBytes = 0;
  bool bodyTooLarge = false;
  std::function<bool(std::string_view)> onBodyChunk;  // streams the body when set
  char errorBuffer[CURL_ERROR_SIZE] = {};
};

/// Sets every option of `request` on `easy`, pointing callbacks and buffers at `transfer`.
/// The one place that maps Request fields to curl options. A URL that is not http or https
/// with a host fails here (kInvalidInput) before curl sees it.
Status configureEasy(CURL* easy, const Request& request, Transfer& transfer);

/// Turns the outcome of a finished transfer into a Response or an Error naming the URL,
/// with the code of curl's result (see errorCodeFor()).
Result<Response> finishTransfer(CURL* easy, CURLcode code, Transfer& transfer);

}  // namespace nova::http::detail
