#include "metrics.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <array>
#include <sstream>

#include "synthetic_series.h"

namespace nova::demo {
namespace {

// The seed's bucket layout, 5ms to 10s, with a boundary at each SLO threshold (0.1: DB
// p95 < 100ms; 0.2: API p95 < 200ms): the default rules read the share of observations
// within the threshold, which is exact only at a boundary.
const prometheus::Histogram::BucketBoundaries kBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.2,
                                                          0.25,  0.5,  1.0,   2.5,  5.0, 10.0};

// Routes whose error counter exists at 0 from start-up, so an error-ratio rule sees a
// series before the first failure.
constexpr std::array<std::pair<std::string_view, std::string_view>, 6> kApiRoutes = {{
    {"GET", "/health"},
    {"POST", "/api/v1/streams"},
    {"GET", "/api/v1/streams"},
    {"GET", "/api/v1/streams/active"},
    {"GET", "/api/v1/streams/{id}"},
    {"DELETE", "/api/v1/streams/{id}"},
}};

}  // namespace

struct ServiceMetrics::Impl {
  Impl(std::size_t extraSeries) : synthetic(extraSeries) {}

  prometheus::Registry registry;
  prometheus::Family<prometheus::Histogram>* requestDuration = nullptr;
  prometheus::Family<prometheus::Counter>* requests = nullptr;
  prometheus::Family<prometheus::Counter>* errors = nullptr;
  prometheus::Family<prometheus::Histogram>* dbDuration = nullptr;
  prometheus::Gauge* wsConnections = nullptr;
  prometheus::Gauge* activeStreams = nullptr;
  prometheus::Counter* dataLoss = nullptr;
  SyntheticSeries synthetic;
};

ServiceMetrics::ServiceMetrics(std::string version, std::string color, std::size_t extraSeries)
    : impl_(std::make_unique<Impl>(extraSeries)) {
  auto& registry = impl_->registry;
  impl_->requestDuration = &prometheus::BuildHistogram()
                                .Name("nova_http_request_duration_seconds")
                                .Help("HTTP request latency.")
                                .Register(registry);
  impl_->requests = &prometheus::BuildCounter()
                         .Name("nova_http_requests_total")
                         .Help("HTTP requests served.")
                         .Register(registry);
  impl_->errors = &prometheus::BuildCounter()
                       .Name("nova_http_errors_total")
                       .Help("HTTP requests answered with a 5xx status.")
                       .Register(registry);
  impl_->wsConnections = &prometheus::BuildGauge()
                              .Name("nova_streaming_websocket_connections")
                              .Help("Open WebSocket connections.")
                              .Register(registry)
                              .Add({});
  impl_->activeStreams = &prometheus::BuildGauge()
                              .Name("nova_streaming_active_streams")
                              .Help("Live streams being served.")
                              .Register(registry)
                              .Add({});
  impl_->dbDuration = &prometheus::BuildHistogram()
                           .Name("pg_query_duration_seconds")
                           .Help("PostgreSQL query latency.")
                           .Register(registry);
  impl_->dataLoss = &prometheus::BuildCounter()
                         .Name("nova_data_loss_events_total")
                         .Help("Writes acknowledged to a client but not persisted.")
                         .Register(registry)
                         .Add({});
  prometheus::BuildGauge()
      .Name("nova_build_info")
      .Help("Version of the running service.")
      .Register(registry)
      .Add({{"version", std::move(version)}, {"color", std::move(color)}})
      .Set(1);
  for (const auto& [method, route] : kApiRoutes) {
    impl_->errors->Add({{"method", std::string(method)}, {"route", std::string(route)}});
  }
}

ServiceMetrics::~ServiceMetrics() = default;

void ServiceMetrics::observeRequest(std::string_view method, std::string_view route, int status,
                                    double seconds) {
  const std::string methodLabel(method);
  const std::string routeLabel(route);
  const std::string code = std::to_string(status);
  impl_->requestDuration
      ->Add({{"method", methodLabel}, {"route", routeLabel}, {"code", code}}, kBuckets)
      .Observe(seconds);
  impl_->requests->Add({{"method", methodLabel}, {"route", routeLabel}, {"code", code}})
      .Increment();
  if (status >= 500) {
    impl_->errors->Add({{"method", methodLabel}, {"route", routeLabel}}).Increment();
  }
}

void ServiceMetrics::observeDbQuery(std::string_view query, double seconds) {
  impl_->dbDuration->Add({{"query", std::string(query)}}, kBuckets).Observe(seconds);
}

void ServiceMetrics::setWebSocketConnections(double open) {
  impl_->wsConnections->Set(open);
}

void ServiceMetrics::setActiveStreams(double active) {
  impl_->activeStreams->Set(active);
}

void ServiceMetrics::countDataLossEvent() {
  impl_->dataLoss->Increment();
}

std::string ServiceMetrics::serialize() {
  std::ostringstream out;
  const prometheus::TextSerializer serializer;
  serializer.Serialize(out, impl_->registry.Collect());
  impl_->synthetic.serialize(out, serializer);
  return std::move(out).str();
}

}  // namespace nova::demo
