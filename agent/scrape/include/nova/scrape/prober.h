#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "nova/core/clock.h"
#include "nova/core/labels.h"
#include "nova/core/time.h"
#include "nova/core/timeline.h"
#include "nova/http/multi_client.h"
#include "nova/scrape/ingest.h"
#include "nova/tsdb/scrape_appender.h"
#include "nova/tsdb/storage.h"

namespace nova::scrape {

/// The one target the agent watches (green): where to probe and scrape it, and how.
struct TargetConfig {
  /// GET; passes only on 200 with a JSON object whose `status` equals expectedStatus.
  /// Empty disables health probing.
  std::string healthUrl;
  /// GET; a Prometheus text exposition. Empty disables scraping.
  std::string metricsUrl;
  std::string expectedStatus = "healthy";
  DurationMs healthInterval = 500;
  DurationMs metricsInterval = kSecond;
  /// Whole-transfer bounds (ms), connect and TLS handshake included.
  DurationMs healthTimeout = 2 * kSecond;
  DurationMs metricsTimeout = 5 * kSecond;
  DurationMs connectTimeout = kSecond;
  /// Larger responses fail the probe or scrape as soon as they exceed it.
  std::size_t maxBodyBytes = std::size_t{16} << 20;
  bool verifyTls = true;
  /// PEM bundle of CAs to trust instead of the system store; empty uses the system store.
  std::string caFile;
  /// Added to every scraped and synthetic series (job, instance, ...).
  Labels labels;
  /// Series one scrape of this target may store; samples of further series are dropped and
  /// counted (ScrapeStats::cacheOverflows). 0: only the store's own limit.
  std::size_t maxSeries = 0;
};

/// One finished health probe or scrape.
struct ProbeEvent {
  enum class Kind { kHealth, kScrape };
  Kind kind = Kind::kHealth;
  bool ok = false;
  /// When it was due to start (the timestamp of its samples; the actual start when the
  /// loop fell behind by an interval or more), ms on the prober's Timeline.
  TimestampMs at = 0;
  DurationMs duration = 0;
  /// HTTP status, 0 when no response arrived.
  long httpStatus = 0;
  /// Samples ingested (scrapes only).
  std::size_t samples = 0;
  /// Series the store kept from this scrape, and what its series limit refused (scrapes
  /// only; empty when the scrape failed). A rule over a refused metric name judges on part
  /// of its series, so the agent treats it as having no data.
  std::size_t series = 0;
  tsdb::Refusals refused;
  /// Series the store's limit refused since start (ScrapeStats::refusedSeries).
  std::uint64_t refusedTotal = 0;
  /// Why it failed; empty when ok.
  std::string error;
  /// The target's instance label ("" for a target without one).
  std::string instance;
};

/// "health", "scrape".
std::string_view toString(ProbeEvent::Kind kind);

struct ProberCounters {
  std::uint64_t healthOk = 0;
  std::uint64_t healthFailed = 0;
  std::uint64_t scrapesOk = 0;
  std::uint64_t scrapesFailed = 0;
  /// Due probes or scrapes not started because the previous one was still running.
  std::uint64_t skipped = 0;
};

/// Probes the health of ONE target and scrapes its metrics, without blocking, through one
/// non-blocking HTTP client. Everything it learns goes into `storage`:
/// - a scrape's body is ingested with ingestExposition() at the scrape's start time; a
///   failed transfer, a non-200 status or an invalid body calls ScrapeAppender::failed (the
///   previous series go stale); after every scrape `up`, `scrape_duration_seconds` and
///   `scrape_samples_scraped` are written;
/// - after every health probe `nova_agent_health_up` is written (1 pass, 0 fail), with the
///   target labels.
/// No data is not good news: a timeout, refusal, 5xx, garbage or oversized body all fail.
///
/// Probes and scrapes run on their own schedules and never wait for each other; at most one
/// of each kind is in flight (a due one is skipped and counted while the last still runs).
/// Not thread-safe: the agent's loop thread owns it, the storage and the clock reads.
class Prober {
 public:
  /// `storage` and `clock` must outlive the Prober. The first probe and scrape are due at
  /// once. Schedules, sample timestamps and ProbeEvent times are on a Timeline of `clock`
  /// (wall time at start advanced by monotonic time), so stepping the wall clock neither
  /// stops probing nor stamps samples out of order.
  Prober(TargetConfig config, tsdb::Storage& storage, const Clock& clock);
  /// The same on a time line shared with the rest of the agent; it must outlive the Prober.
  Prober(TargetConfig config, tsdb::Storage& storage, const Timeline& timeline);
  /// The same with transfers on `client`, shared with other Probers (a TargetPool): the
  /// owner drives it with startDue(), client.poll() and takeCompleted() instead of poll().
  /// `client` must outlive the Prober; destroying the Prober cancels its transfers.
  Prober(TargetConfig config, tsdb::Storage& storage, const Timeline& timeline,
         http::MultiClient& client);
  ~Prober();
  Prober(const Prober&) = delete;
  Prober& operator=(const Prober&) = delete;

  /// Starts what is due, then drives transfers for at most `maxWait` ms (less when
  /// something falls due sooner) and returns what completed meanwhile, in completion order.
  std::vector<ProbeEvent> poll(DurationMs maxWait);

  /// Starts the probes and scrapes that are due (what poll() does first).
  void startDue();
  /// What completed since the last call, in completion order.
  std::vector<ProbeEvent> takeCompleted();
  /// The target is gone for good (a pod removed from discovery): cancels what is in flight
  /// and writes stale markers at `t` for its scraped and synthetic series (Prometheus's
  /// rule for a vanished target), so queries stop seeing it at once.
  void retire(TimestampMs t);

  /// Makes a poll() in progress return early; safe to call from any thread.
  void wakeup();
  /// Stores from now on only the metric names `keep` keeps (all when null); the agent sets
  /// it to what its rules can select, at start and after every rule reload.
  void setMetricFilter(std::shared_ptr<const MetricNameFilter> keep);

  /// When the next probe or scrape is due to start (ms on the time line).
  TimestampMs nextDue() const;

  ProberCounters counters() const;
  tsdb::ScrapeStats scrapeStats() const;
  const TargetConfig& config() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nova::scrape
