#pragma once

// A store filled as the agent's scrapes of two demo-service pods would fill it: 1 s
// samples of request and error counters, latency and DB histograms and WebSocket
// connections, with faults on pod b at given times.

#include <cmath>
#include <string>
#include <vector>

#include "nova/core/labels.h"
#include "nova/tsdb/storage.h"

namespace nova::dashboard::test {

struct Faults {
  /// Pod b answers this share of requests with errors in [errorsFrom, errorsTo).
  double errorRatio = 0.3;
  TimestampMs errorsFrom = 0;
  TimestampMs errorsTo = 0;
  /// Pod b's WebSocket connections fall from 60 to 30 at this time (0: never).
  TimestampMs wsDropAt = 0;
  /// Pod b's DB queries take 150 ms in [dbSlowFrom, dbSlowTo).
  TimestampMs dbSlowFrom = 0;
  TimestampMs dbSlowTo = 0;
};

// The demo service's buckets: a boundary at each SLO threshold (0.1 s, 0.2 s), where the
// rules read the share within.
inline const std::vector<double> kBuckets{0.005, 0.01, 0.025, 0.05, 0.1, 0.2,     0.25,
                                          0.5,   1,    2.5,   5,    10,  INFINITY};

class SyntheticStore {
 public:
  explicit SyntheticStore(tsdb::Storage& storage) : storage_(storage) {}

  /// Appends one scrape of both pods at `t`: each serves 20 requests/s of 30 ms (pod b
  /// 250 ms while erroring) and 20 DB queries/s of 4 ms (pod b 150 ms while slow).
  void scrape(TimestampMs t, const Faults& faults) {
    for (const std::string pod : {"a", "b"}) {
      const bool faulty = pod == "b" && t >= faults.errorsFrom && t < faults.errorsTo;
      Pod& p = pod == "a" ? a_ : b_;
      p.requests += 20;
      p.errors += faulty ? 20 * faults.errorRatio : 0;
      const double latency = faulty ? 0.25 : 0.03;
      const bool dbSlow = pod == "b" && t >= faults.dbSlowFrom && t < faults.dbSlowTo;
      const double dbLatency = dbSlow ? 0.15 : 0.004;
      p.latencyCount += 20;
      p.dbCount += 20;
      for (std::size_t i = 0; i < kBuckets.size(); ++i) {
        p.latency[i] += latency <= kBuckets[i] ? 20 : 0;
        p.db[i] += dbLatency <= kBuckets[i] ? 20 : 0;
      }
      const double ws = pod == "b" && faults.wsDropAt != 0 && t >= faults.wsDropAt ? 30 : 60;
      put({{"__name__", "nova_http_requests_total"}, {"pod", pod}, {"route", "/api"}}, t,
          p.requests);
      put({{"__name__", "nova_http_errors_total"}, {"pod", pod}, {"route", "/api"}}, t, p.errors);
      put({{"__name__", "nova_http_request_duration_seconds_count"}, {"pod", pod}}, t,
          p.latencyCount);
      put({{"__name__", "pg_query_duration_seconds_count"}, {"pod", pod}}, t, p.dbCount);
      for (std::size_t i = 0; i < kBuckets.size(); ++i) {
        const std::string le = std::isinf(kBuckets[i]) ? "+Inf" : format(kBuckets[i]);
        put({{"__name__", "nova_http_request_duration_seconds_bucket"}, {"pod", pod}, {"le", le}},
            t, p.latency[i]);
        put({{"__name__", "pg_query_duration_seconds_bucket"}, {"pod", pod}, {"le", le}}, t,
            p.db[i]);
      }
      put({{"__name__", "nova_streaming_websocket_connections"}, {"pod", pod}}, t, ws);
    }
  }

  /// Scrapes every second over [from, to).
  void fill(TimestampMs from, TimestampMs to, const Faults& faults) {
    for (TimestampMs t = from; t < to; t += kSecond) {
      scrape(t, faults);
    }
  }

 private:
  struct Pod {
    double requests = 0;
    double errors = 0;
    double latencyCount = 0;
    double dbCount = 0;
    std::vector<double> latency = std::vector<double>(kBuckets.size(), 0);
    std::vector<double> db = std::vector<double>(kBuckets.size(), 0);
  };

  static std::string format(double v) {
    std::string s = std::to_string(v);
    s.erase(s.find_last_not_of('0') + 1);
    if (s.back() == '.') {
      s.pop_back();
    }
    return s;
  }

  void put(const std::vector<Label>& labels, TimestampMs t, double v) {
    if (auto id = storage_.getOrCreate(Labels::fromUnsorted(labels))) {
      storage_.append(*id, t, v);
    }
  }

  tsdb::Storage& storage_;
  Pod a_;
  Pod b_;
};

}  // namespace nova::dashboard::test
