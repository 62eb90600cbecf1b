#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "nova/core/result.h"

namespace nova::http {

/// An absolute http or https URL with a host, checked when made (Boost.URL underneath). The
/// one place that checks, builds, percent-encodes and redacts URLs. A Url may carry a
/// credential (a password, a token in its path or query): str() is for the request only;
/// logs, errors and /status show redacted() or origin(). Immutable; thread-safe to share.
class Url {
 public:
  /// Parses `text`. Errors (kInvalidInput) say what is wrong without repeating the text,
  /// which may hold a credential: "not an absolute URL", "scheme \"ftp\" is not http or
  /// https", "no host".
  static Result<Url> parse(std::string_view text);

  /// The URL as given (credentials included): for the request itself only.
  const std::string& str() const { return text_; }
  /// "http" or "https".
  std::string scheme() const;
  /// The host as written: a name, an IPv4 address or "[v6]".
  std::string host() const;
  /// The port given, or the scheme's default (80, 443).
  std::uint16_t port() const;
  /// The path, percent-encoded as in the URL ("/api/v2/alerts"; "" when none).
  std::string encodedPath() const;
  /// The path's segments, percent-encoded as in the URL ({"api", "v2", "alerts"}).
  std::vector<std::string> encodedSegments() const;
  /// The values of the query's parameters, percent-encoded as in the URL.
  std::vector<std::string> encodedParamValues() const;
  /// The userinfo password, percent-encoded as in the URL; "" when there is none.
  std::string encodedPassword() const;

  /// This URL with `segments` appended to its path, each percent-encoded as one segment
  /// ("a/b" becomes "a%2Fb"), after one trailing slash of the base: "http://am:9093/" and
  /// "http://am:9093" both give "http://am:9093/api/v2/alerts" for {"api", "v2", "alerts"}.
  Url withSegments(std::initializer_list<std::string_view> segments) const;
  /// This URL with the query parameter `key`=`value` appended, both percent-encoded.
  Url withParam(std::string_view key, std::string_view value) const;
  /// `reference` read against this URL as a base. An absolute http or https URL stands for
  /// itself; a path with an optional query ("/api/streams?id=7", "streams") is appended to
  /// this URL's path after one slash (not RFC 3986 resolution, which would drop the base's
  /// path): "http://g:8081/v1/" and "/streams?id=7" give "http://g:8081/v1/streams?id=7".
  /// Errors (kInvalidInput) when `reference` is neither, without repeating it.
  Result<Url> join(std::string_view reference) const;

  /// The URL for logs, errors and /status: see redactUrl().
  std::string redacted() const;
  /// "scheme://host[:port]" only: how to show a URL whose path and query are a credential
  /// (a Slack webhook, a generic webhook with a token).
  std::string origin() const;

 private:
  explicit Url(std::string text) : text_(std::move(text)) {}
  std::string text_;
};

/// `text` percent-encoded for one path segment or one query value: every byte but RFC 3986's
/// unreserved characters (letters, digits, "-._~") becomes %XX (Boost.URL's encoder), so a
/// value cannot add a segment, a parameter or a fragment.
std::string percentEncode(std::string_view text);

/// Any URL text (any scheme) made safe to print: a userinfo password becomes
/// "<redacted>", so do the secret path segments of known webhook shapes (Slack
/// "/services/<redacted>", "/hooks/<redacted>", "/api/webhooks/<redacted>"), the values of
/// query parameters whose names suggest a credential (token, key, secret, password, sig,
/// auth, credential, session, in any case and as part of a name) and any fragment. Text
/// that does not parse as a URL gives "<invalid URL>".
std::string redactUrl(std::string_view text);

}  // namespace nova::http
