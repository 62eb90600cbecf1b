#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "nova/core/result.h"
#include "nova/core/time.h"

namespace nova::http {

/// Header name/value pairs in wire order; names keep the case they were given or received.
using Headers = std::vector<std::pair<std::string, std::string>>;

/// One HTTP request. Only http and https URLs with a host are accepted (see Url).
struct Request {
  std::string method = "GET";
  std::string url{};
  Headers headers{};
  /// Sent as the request body when not empty (any method).
  std::string body{};
  /// Hard bound on the whole transfer, connect included, in milliseconds.
  DurationMs timeout = 10 * kSecond;
  /// Bound on TCP connect plus TLS handshake, in milliseconds.
  DurationMs connectTimeout = 2 * kSecond;
  /// The response body (after content decoding) may not exceed this; the transfer is
  /// aborted as soon as it would.
  std::size_t maxBodyBytes = std::size_t{16} << 20;
  bool verifyTls = true;
  /// PEM bundle of trusted CAs; empty uses the system store.
  std::string caFile{};
  /// PEM text of trusted CAs (kubeconfig `certificate-authority-data`); wins over caFile.
  std::string caPem{};
  /// Client certificate and private key for mutual TLS, as PEM files...
  std::string clientCertFile{};
  std::string clientKeyFile{};
  /// ... or as PEM text (kubeconfig `client-*-data`), which wins over the files.
  std::string clientCertPem{};
  std::string clientKeyPem{};
  /// Redirects to follow; 0 returns the 3xx response itself.
  int maxRedirects = 0;
  /// Bytes curl reads from the socket at a time (CURLOPT_BUFFERSIZE), 0 for its 16 KiB: a
  /// larger buffer takes a large body in fewer reads and callbacks.
  std::size_t receiveBufferBytes = 0;
  /// Streams the body instead of collecting it (a Kubernetes watch): called with each piece
  /// as it arrives (any split, in order), and about once a second with an empty piece while
  /// nothing arrives. Returning false aborts the transfer (the result is then an error with
  /// code kTransport). The Response's body stays empty; maxBodyBytes does not apply. Runs
  /// on the calling thread, inside perform(); must not throw.
  std::function<bool(std::string_view)> onBodyChunk{};
};

/// A completed exchange; any status counts as completed, 4xx and 5xx included.
struct Response {
  long status = 0;
  /// Headers of the final response (after redirects), in wire order.
  Headers headers{};
  std::string body{};
  /// Wall time of the whole transfer in milliseconds.
  DurationMs elapsed = 0;

  /// The first header named `name` (case-insensitive), or nullptr.
  const std::string* header(std::string_view name) const;
};

/// A blocking HTTP/1.1 client. It keeps one connection cache across calls (keep-alive), so
/// reuse one Client per peer or per thread. Not thread-safe; one call at a time.
class Client {
 public:
  Client();
  ~Client();
  Client(Client&&) noexcept;
  Client& operator=(Client&&) noexcept;
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  /// Performs the request. Never throws. Errors name the method and the redacted URL
  /// (redactUrl()) and give the reason; callers branch on the code:
  /// - kTimeout: the timeout or connect timeout passed, or the peer stalled (fewer than
  ///   1 byte/s over the timeout's length).
  /// - kTransport: DNS, connection refused or reset, nothing or garbage received, a TLS
  ///   handshake or certificate verification failure. Worth a retry.
  /// - kInvalidInput: not an http/https URL with a host, "response body exceeds N bytes",
  ///   local TLS files that do not load, too many redirects. Retrying cannot help.
  /// - kRefused: credentials refused below HTTP (a required client certificate).
  /// - kInternal: out of memory, a curl misuse.
  /// A 4xx or 5xx answer is a Response, not an error.
  Result<Response> perform(const Request& request);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nova::http
