#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace nova::demo {

/// The service's Prometheus metrics, named as in the seed (examples/metrics/user-service.prom):
/// nova_http_request_duration_seconds, nova_http_requests_total, nova_http_errors_total,
/// nova_streaming_websocket_connections, nova_streaming_active_streams,
/// pg_query_duration_seconds, nova_data_loss_events_total and nova_build_info.
/// Thread-safe: every method may be called from any connection at any time.
class ServiceMetrics {
 public:
  /// `extraSeries` synthetic series (counters and gauges with realistic names and labels)
  /// are appended to every exposition, for scrape benchmarks.
  ServiceMetrics(std::string version, std::string color, std::size_t extraSeries);
  ~ServiceMetrics();
  ServiceMetrics(const ServiceMetrics&) = delete;
  ServiceMetrics& operator=(const ServiceMetrics&) = delete;

  /// One answered request: `route` is the route template ("/api/v1/streams/{id}"), never
  /// the raw path, so the label set stays bounded. 5xx statuses also count as errors.
  void observeRequest(std::string_view method, std::string_view route, int status, double seconds);
  /// One simulated database query, labelled query="select_stream" and the like.
  void observeDbQuery(std::string_view query, double seconds);
  void setWebSocketConnections(double open);
  void setActiveStreams(double active);
  void countDataLossEvent();

  /// The whole exposition in the text format 0.0.4.
  std::string serialize();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nova::demo
