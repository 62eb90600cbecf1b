#include "synthetic_series.h"

#include <array>
#include <string>
#include <string_view>

namespace nova::demo {
namespace {

// One family's shape: two enumerated labels and one numbered label that makes each series
// unique, the way a shard or partition number does.
struct Shape {
  const char* name;
  const char* help;
  prometheus::MetricType type;
  const char* firstLabel;
  std::array<std::string_view, 4> firstValues;
  const char* secondLabel;
  std::array<std::string_view, 3> secondValues;
  const char* numberLabel;
};

const std::array<Shape, 3> kShapes = {{
    {"nova_cache_requests_total",
     "Cache lookups by cache, result and shard.",
     prometheus::MetricType::Counter,
     "cache",
     {"user", "stream", "session", "feed"},
     "result",
     {"hit", "miss", "expired"},
     "shard"},
    {"nova_kafka_consumer_lag",
     "Messages behind the head of the partition.",
     prometheus::MetricType::Gauge,
     "topic",
     {"stream-events", "chat-messages", "view-counts", "notifications"},
     "consumer_group",
     {"user-service", "analytics", "search-indexer"},
     "partition"},
    {"nova_rpc_client_requests_total",
     "Outgoing RPCs by peer service, method and code.",
     prometheus::MetricType::Counter,
     "service",
     {"auth-service", "media-service", "chat-service", "billing-service"},
     "code",
     {"OK", "UNAVAILABLE", "DEADLINE_EXCEEDED"},
     "instance"},
}};

std::string numbered(std::size_t n) {
  std::string text = std::to_string(n);
  if (text.size() < 4) {
    text.insert(0, 4 - text.size(), '0');
  }
  return text;
}

// A cheap, stable hash so each series moves differently but reproducibly.
std::uint64_t mix(std::uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  return x;
}

prometheus::ClientMetric makeSample(const Shape& shape, std::size_t j) {
  prometheus::ClientMetric metric;
  const std::size_t a = j % shape.firstValues.size();
  const std::size_t b = (j / shape.firstValues.size()) % shape.secondValues.size();
  const std::size_t n = j / (shape.firstValues.size() * shape.secondValues.size());
  metric.label = {{shape.firstLabel, std::string(shape.firstValues[a])},
                  {shape.secondLabel, std::string(shape.secondValues[b])},
                  {shape.numberLabel, numbered(n)}};
  return metric;
}

}  // namespace

SyntheticSeries::SyntheticSeries(std::size_t count) {
  if (count == 0) {
    return;
  }
  for (std::size_t k = 0; k < kShapes.size(); ++k) {
    const Shape& shape = kShapes[k];
    // Split the count evenly; the first families take the remainder.
    const std::size_t share = count / kShapes.size() + (k < count % kShapes.size() ? 1 : 0);
    if (share == 0) {
      continue;
    }
    prometheus::MetricFamily family{shape.name, shape.help, shape.type, {}};
    family.metric.reserve(share);
    for (std::size_t j = 0; j < share; ++j) {
      family.metric.push_back(makeSample(shape, j));
    }
    families_.push_back(std::move(family));
  }
}

void SyntheticSeries::serialize(std::ostream& out, const prometheus::Serializer& serializer) {
  std::lock_guard lock(mutex_);
  if (families_.empty()) {
    return;
  }
  advance();
  serializer.Serialize(out, families_);
}

void SyntheticSeries::advance() {
  ++scrapes_;
  for (std::size_t k = 0; k < families_.size(); ++k) {
    auto& family = families_[k];
    for (std::size_t j = 0; j < family.metric.size(); ++j) {
      const std::uint64_t h = mix((k << 32) ^ j);
      auto& metric = family.metric[j];
      if (family.type == prometheus::MetricType::Counter) {
        // A per-series rate between 0 and 49 events per scrape.
        metric.counter.value += static_cast<double>(h % 50);
      } else {
        const std::uint64_t wobble = mix(h ^ scrapes_) % 200;
        metric.gauge.value = static_cast<double>(h % 5000 + wobble);
      }
    }
  }
}

}  // namespace nova::demo
