#include "easy_transfer.h"

#include <algorithm>
#include <string_view>

#include "curl_error.h"
#include "nova/core/text.h"
#include "nova/http/url.h"

namespace nova::http::detail {

namespace {

// curl calls these from C: nothing may throw through them.
std::size_t onBody(char* data, std::size_t size, std::size_t count, void* user) noexcept {
  auto* transfer = static_cast<Transfer*>(user);
  std::size_t n = size * count;
  if (transfer->onBodyChunk) {
    return transfer->onBodyChunk(std::string_view(data, n)) ? n : 0;
  }
  if (transfer->body.size() + n > transfer->maxBodyBytes) {
    transfer->bodyTooLarge = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  try {
    transfer->body.append(data, n);
  } catch (...) {
    return 0;
  }
  return n;
}

// Gives a streaming caller its chance to stop while the peer is quiet.
int onProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) noexcept {
  auto* transfer = static_cast<Transfer*>(user);
  return transfer->onBodyChunk(std::string_view()) ? 0 : 1;
}

std::size_t onHeader(char* data, std::size_t size, std::size_t count, void* user) noexcept {
  auto* transfer = static_cast<Transfer*>(user);
  std::size_t n = size * count;
  std::string_view line(data, n);
  try {
    if (line.starts_with("HTTP/")) {
      // A new status line: an interim (100) or redirect response ended; keep the last only.
      transfer->headers.clear();
    } else if (auto colon = line.find(':'); colon != std::string_view::npos) {
      transfer->headers.emplace_back(std::string(trim(line.substr(0, colon))),
                                     std::string(trim(line.substr(colon + 1))));
    }
  } catch (...) {
    return 0;
  }
  return n;
}

// Chains setopt calls and keeps the first failure.
class Options {
 public:
  explicit Options(CURL* easy) : easy_(easy) {}
  template <typename T>
  Options& set(CURLoption option, T value) {
    if (code_ == CURLE_OK) {
      code_ = curl_easy_setopt(easy_, option, value);
    }
    return *this;
  }
  CURLcode code() const { return code_; }

 private:
  CURL* easy_;
  CURLcode code_ = CURLE_OK;
};

void setMethodAndBody(Options& o, const Request& request, Transfer& transfer) {
  if (request.method == "HEAD") {
    o.set(CURLOPT_NOBODY, 1L);
    return;
  }
  if (request.method == "GET" && request.body.empty()) {
    o.set(CURLOPT_HTTPGET, 1L);
    return;
  }
  if (request.method == "POST" || !request.body.empty()) {
    transfer.requestBody = request.body;
    o.set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(transfer.requestBody.size()))
        .set(CURLOPT_POSTFIELDS, transfer.requestBody.c_str());
  }
  if (request.method != "POST") {
    o.set(CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
}

// PEM text goes to curl as blobs (copied by curl), so no secret touches the disk.
void setBlob(Options& o, CURLoption option, const std::string& pem) {
  curl_blob blob{const_cast<char*>(pem.data()), pem.size(), CURL_BLOB_COPY};
  o.set(option, &blob);
}

void setTlsIdentity(Options& o, const Request& request) {
  if (!request.caPem.empty()) {
    setBlob(o, CURLOPT_CAINFO_BLOB, request.caPem);
  }
  if (!request.clientCertPem.empty()) {
    setBlob(o, CURLOPT_SSLCERT_BLOB, request.clientCertPem);
    o.set(CURLOPT_SSLCERTTYPE, "PEM");
  } else if (!request.clientCertFile.empty()) {
    o.set(CURLOPT_SSLCERT, request.clientCertFile.c_str());
  }
  if (!request.clientKeyPem.empty()) {
    setBlob(o, CURLOPT_SSLKEY_BLOB, request.clientKeyPem);
    o.set(CURLOPT_SSLKEYTYPE, "PEM");
  } else if (!request.clientKeyFile.empty()) {
    o.set(CURLOPT_SSLKEY, request.clientKeyFile.c_str());
  }
}

}  // namespace

Transfer::~Transfer() {
  curl_slist_free_all(requestHeaders);
}

Status configureEasy(CURL* easy, const Request& request, Transfer& transfer) {
  transfer.method = request.method;
  transfer.url = redactUrl(request.url);
  transfer.maxBodyBytes = request.maxBodyBytes;
  if (auto url = Url::parse(request.url); !url.ok()) {
    return url.error().prefixed(request.method + " " + transfer.url + ": ");
  }
  // No Expect: 100-continue round trip before sending a body.
  transfer.requestHeaders = curl_slist_append(transfer.requestHeaders, "Expect:");
  for (const auto& [name, value] : request.headers) {
    std::string line = name + ": " + value;
    curl_slist* grown = curl_slist_append(transfer.requestHeaders, line.c_str());
    if (grown == nullptr) {
      return Error(ErrorCode::kInternal,
                   request.method + " " + transfer.url + ": out of memory for headers");
    }
    transfer.requestHeaders = grown;
  }
  long timeoutMs = std::max<long>(1, static_cast<long>(request.timeout));
  // A peer that trickles bytes (slowloris) is cut off by the low-speed rule as well as the
  // hard timeout: fewer than 1 byte/s over the timeout's length fails.
  long lowSpeedSeconds = std::max<long>(1, timeoutMs / 1000);

  Options o(easy);
  o.set(CURLOPT_URL, request.url.c_str())
      .set(CURLOPT_PROTOCOLS_STR, "http,https")
      .set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
      .set(CURLOPT_NOSIGNAL, 1L)
      .set(CURLOPT_ERRORBUFFER, transfer.errorBuffer)
      .set(CURLOPT_HTTPHEADER, transfer.requestHeaders)
      .set(CURLOPT_WRITEFUNCTION, &onBody)
      .set(CURLOPT_WRITEDATA, static_cast<void*>(&transfer))
      .set(CURLOPT_HEADERFUNCTION, &onHeader)
      .set(CURLOPT_HEADERDATA, static_cast<void*>(&transfer))
      .set(CURLOPT_TIMEOUT_MS, timeoutMs)
      .set(CURLOPT_CONNECTTIMEOUT_MS, std::max<long>(1, static_cast<long>(request.connectTimeout)))
      .set(CURLOPT_LOW_SPEED_LIMIT, 1L)
      .set(CURLOPT_LOW_SPEED_TIME, lowSpeedSeconds)
      .set(CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(request.maxBodyBytes))
      .set(CURLOPT_ACCEPT_ENCODING, "")
      .set(CURLOPT_FOLLOWLOCATION, request.maxRedirects > 0 ? 1L : 0L)
      .set(CURLOPT_MAXREDIRS, static_cast<long>(std::max(0, request.maxRedirects)))
      .set(CURLOPT_SSL_VERIFYPEER, request.verifyTls ? 1L : 0L)
      .set(CURLOPT_SSL_VERIFYHOST, request.verifyTls ? 2L : 0L);
  if (request.receiveBufferBytes > 0) {
    o.set(CURLOPT_BUFFERSIZE, static_cast<long>(request.receiveBufferBytes));
  }
  if (request.onBodyChunk) {
    transfer.onBodyChunk = request.onBodyChunk;
    o.set(CURLOPT_MAXFILESIZE_LARGE, curl_off_t{0})
        .set(CURLOPT_NOPROGRESS, 0L)
        .set(CURLOPT_XFERINFOFUNCTION, &onProgress)
        .set(CURLOPT_XFERINFODATA, static_cast<void*>(&transfer));
  }
  if (!request.caFile.empty()) {
    o.set(CURLOPT_CAINFO, request.caFile.c_str());
  }
  setTlsIdentity(o, request);
  setMethodAndBody(o, request, transfer);
  if (o.code() != CURLE_OK) {
    return Error(errorCodeFor(o.code()),
                 request.method + " " + transfer.url + ": " + curl_easy_strerror(o.code()));
  }
  return {};
}

Result<Response> finishTransfer(CURL* easy, CURLcode code, Transfer& transfer) {
  std::string where = transfer.method + " " + transfer.url + ": ";
  if (transfer.bodyTooLarge || code == CURLE_FILESIZE_EXCEEDED) {
    return Error(ErrorCode::kInvalidInput, where + "response body exceeds " +
                                               std::to_string(transfer.maxBodyBytes) + " bytes");
  }
  if (code != CURLE_OK) {
    std::string reason = curl_easy_strerror(code);
    if (transfer.errorBuffer[0] != '\0') {
      reason += std::string(" (") + transfer.errorBuffer + ")";
    }
    return Error(errorCodeFor(code), where + reason);
  }
  Response response;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &response.status);
  curl_off_t micros = 0;
  curl_easy_getinfo(easy, CURLINFO_TOTAL_TIME_T, &micros);
  response.elapsed = static_cast<DurationMs>(micros / 1000);
  response.headers = std::move(transfer.headers);
  response.body = std::move(transfer.body);
  return response;
}

}  // namespace nova::http::detail
