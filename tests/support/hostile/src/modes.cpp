#include <array>
#include <sstream>
#include <utility>

#include "nova/hostile/peer.h"

namespace nova::hostile {
namespace {

constexpr std::array<std::pair<Mode, std::string_view>, 15> kNames{{
    {Mode::kHealthy, "healthy"},
    {Mode::kSlowHeaders, "slow-headers"},
    {Mode::kSlowBody, "slow-body"},
    {Mode::kHugeBody, "huge-body"},
    {Mode::kHugeBodyDeclared, "huge-body-declared"},
    {Mode::kRandomBytes, "random-bytes"},
    {Mode::kResetMidBody, "reset-mid-body"},
    {Mode::kRedirectLoop, "redirect-loop"},
    {Mode::kTlsSelfSigned, "tls-self-signed"},
    {Mode::kLongLine, "long-line"},
    {Mode::kOneInvalidLine, "one-invalid-line"},
    {Mode::kUnhealthyJson, "unhealthy-json"},
    {Mode::kGarbageJson, "garbage-json"},
    {Mode::kServerError, "server-error"},
    {Mode::kEndlessChunked, "endless-chunked"},
}};

}  // namespace

const std::vector<Mode>& allModes() {
  static const std::vector<Mode> modes = [] {
    std::vector<Mode> out;
    for (const auto& [mode, name] : kNames) {
      out.push_back(mode);
    }
    return out;
  }();
  return modes;
}

std::vector<Mode> hostileModes() {
  std::vector<Mode> out(allModes().begin() + 1, allModes().end());
  return out;
}

std::string_view toString(Mode mode) {
  for (const auto& [m, name] : kNames) {
    if (m == mode) {
      return name;
    }
  }
  return "unknown";
}

std::optional<Mode> parseMode(std::string_view name) {
  for (const auto& [mode, n] : kNames) {
    if (n == name) {
      return mode;
    }
  }
  return std::nullopt;
}

std::string healthyExposition() {
  // Shaped like the user-service's, so the control mode feeds real rules real series.
  std::ostringstream out;
  out << "# HELP nova_http_requests_total Requests served.\n"
         "# TYPE nova_http_requests_total counter\n"
         "nova_http_requests_total{method=\"GET\",route=\"/api/v1/streams\",code=\"200\"} 120\n"
         "nova_http_requests_total{method=\"GET\",route=\"/api/v1/streams\",code=\"500\"} 0\n"
         "# HELP nova_http_errors_total Requests that failed.\n"
         "# TYPE nova_http_errors_total counter\n"
         "nova_http_errors_total{route=\"/api/v1/streams\"} 0\n"
         "# HELP nova_streaming_active_streams Streams in progress.\n"
         "# TYPE nova_streaming_active_streams gauge\n"
         "nova_streaming_active_streams 3\n"
         "# HELP nova_streaming_websocket_connections Open WebSocket connections.\n"
         "# TYPE nova_streaming_websocket_connections gauge\n"
         "nova_streaming_websocket_connections 2\n";
  return out.str();
}

}  // namespace nova::hostile
