#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nova/core/time.h"
#include "nova/http/client.h"
#include "nova/notify/secret.h"

namespace nova::remote {

/// One Prometheus-compatible query API (Prometheus, Thanos Query, Cortex/Mimir,
/// VictoriaMetrics): the agent config's `sources: {<name>: {...}}` entry.
struct SourceConfig {
  std::string name;
  /// The API's base, without /api/v1/query: "http://prometheus:9090",
  /// "http://mimir/prometheus", "http://vmselect:8481/select/0/prometheus".
  std::string url;
  /// Bound on one query, connect included (ms); also sent as the query's `timeout`.
  DurationMs timeout = 5 * kSecond;
  /// `Authorization: Bearer <token>` when set; else basic auth when a user is set.
  notify::Secret bearerToken;
  std::string basicUser;
  notify::Secret basicPassword;
  /// PEM bundle of trusted CAs; empty uses the system store.
  std::string caFile;
  bool insecureSkipVerify = false;
  /// Sent with every query, after the others (`X-Scope-OrgID` is set by `tenant`).
  http::Headers headers;
  /// Cortex/Mimir tenant: the `X-Scope-OrgID` header.
  std::string tenant;
  /// Sent as the `lookback_delta` parameter when set (ms; Prometheus >= 2.43, Thanos).
  std::optional<DurationMs> lookbackDelta;
  /// Sent as Thanos' `partial_response` parameter when set.
  std::optional<bool> partialResponse;
  /// A larger answer fails the query ("response body exceeds N bytes").
  std::size_t maxResponseBytes = std::size_t{4} << 20;
};

/// The instant query of `expr` at `at` (ms) against `source`: a POST of the form-encoded
/// parameters to <url>/api/v1/query (as Grafana sends them, so long expressions fit), with
/// the source's credentials, CA, headers and tenant. `time` is Unix seconds with
/// millisecond decimals; `timeout` is the source's. Pure.
http::Request buildQueryRequest(const SourceConfig& source, std::string_view expr, TimestampMs at);

/// `text` as application/x-www-form-urlencoded writes a value: every byte other than
/// ALPHA, DIGIT, '-', '.', '_', '~' percent-encoded ("a+b" -> "a%2Bb"). Boost.URL's encoder.
std::string formEncode(std::string_view text);

/// Seconds with up to three decimals, as Prometheus reads `time` ("1700000000.5").
std::string unixSeconds(TimestampMs at);

}  // namespace nova::remote
