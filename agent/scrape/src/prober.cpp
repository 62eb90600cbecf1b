#include "nova/scrape/prober.h"

#include <algorithm>
#include <exception>
#include <optional>

#include "nova/http/health_check.h"
#include "nova/http/multi_client.h"
#include "nova/http/url.h"
#include "nova/scrape/ingest.h"
#include "scrape_body.h"

namespace nova::scrape {
namespace {

constexpr std::string_view kHealthUpName = "nova_agent_health_up";
// A /metrics body is often a megabyte: 64 KiB reads take it in a quarter of the reads and
// callbacks of curl's 16 KiB, and stay under malloc's mmap threshold (one per transfer).
constexpr std::size_t kScrapeReceiveBufferBytes = std::size_t{64} << 10;

// One kind of periodic request (health or scrape): its schedule and whether one runs.
struct Schedule {
  DurationMs interval = kSecond;
  TimestampMs due = 0;
  bool inFlight = false;
  bool enabled = false;

  // The next slot after `now`; a late start does not cause a burst of catch-up requests.
  void advance(TimestampMs now) {
    due += interval;
    if (due <= now) {
      due = now + interval;
    }
  }
};

}  // namespace

struct Prober::Impl {
  std::shared_ptr<const MetricNameFilter> keep;

  Impl(TargetConfig c, tsdb::Storage& s, const Timeline* shared, const Clock& k,
       http::MultiClient* sharedClient = nullptr)
      : config(std::move(c)),
        body(config.maxBodyBytes),
        storage(s),
        own(shared == nullptr ? std::make_unique<Timeline>(k) : nullptr),
        clock(shared == nullptr ? *own : *shared),
        appender(s, config.maxSeries),
        ownClient(sharedClient == nullptr ? std::make_unique<http::MultiClient>() : nullptr),
        client(sharedClient == nullptr ? *ownClient : *sharedClient) {
    health.interval = std::max<DurationMs>(1, config.healthInterval);
    health.enabled = !config.healthUrl.empty();
    scrape.interval = std::max<DurationMs>(1, config.metricsInterval);
    scrape.enabled = !config.metricsUrl.empty();
    health.due = scrape.due = clock.now();
    healthLabels = config.labels.with(kMetricNameLabel, kHealthUpName);
    instance = std::string(config.labels.get("instance"));
  }

  http::Request request(const std::string& url, DurationMs timeout) const {
    http::Request r;
    r.url = url;
    r.timeout = timeout;
    r.connectTimeout = std::min(config.connectTimeout, timeout);
    r.maxBodyBytes = config.maxBodyBytes;
    r.verifyTls = config.verifyTls;
    r.caFile = config.caFile;
    r.headers = {{"Accept", "text/plain;version=0.0.4;q=0.9,*/*;q=0.1"}};
    return r;
  }

  void startDue(TimestampMs now);
  void startHealth(TimestampMs now);
  void startScrape(TimestampMs now);
  void finishHealth(TimestampMs started, Result<http::Response> result);
  void finishScrape(TimestampMs started, Result<http::Response> result);

  TargetConfig config;
  // Every scrape's body lands here; its memory is kept from one scrape to the next.
  detail::ScrapeBody body;
  tsdb::Storage& storage;
  std::unique_ptr<Timeline> own;
  // Schedules and stamps run on the time line, so a wall-clock step moves no scrape.
  const Timeline& clock;
  tsdb::ScrapeAppender appender;
  std::unique_ptr<http::MultiClient> ownClient;
  http::MultiClient& client;
  // Transfers in flight on the client, cancelled when the Prober goes (their completions
  // point at it).
  std::optional<std::uint64_t> healthTransfer;
  std::optional<std::uint64_t> scrapeTransfer;
  std::string instance;
  Schedule health;
  Schedule scrape;
  Labels healthLabels;
  ProberCounters counters;
  std::vector<ProbeEvent> completed;
};

void Prober::Impl::startDue(TimestampMs now) {
  for (auto* schedule : {&health, &scrape}) {
    if (!schedule->enabled || now < schedule->due) {
      continue;
    }
    // Samples are stamped with the scheduled time while the loop keeps up, so a target's
    // series sit on an even grid and `for` durations end exactly on a tick.
    const TimestampMs at = now - schedule->due < schedule->interval ? schedule->due : now;
    if (schedule->inFlight) {
      ++counters.skipped;
    } else if (schedule == &health) {
      startHealth(at);
    } else {
      startScrape(at);
    }
    schedule->advance(now);
  }
}

void Prober::Impl::startHealth(TimestampMs now) {
  health.inFlight = true;
  healthTransfer =
      client.start(request(config.healthUrl, config.healthTimeout),
                   [this, now](Result<http::Response> r) { finishHealth(now, std::move(r)); });
}

void Prober::Impl::startScrape(TimestampMs now) {
  scrape.inFlight = true;
  http::Request r = request(config.metricsUrl, config.metricsTimeout);
  // Streamed into the kept buffer, which enforces maxBodyBytes itself; the empty pieces
  // curl hands over while the peer is quiet change nothing.
  body.clear();
  r.onBodyChunk = [this](std::string_view piece) { return body.append(piece); };
  r.receiveBufferBytes = kScrapeReceiveBufferBytes;
  scrapeTransfer = client.start(
      r, [this, now](Result<http::Response> result) { finishScrape(now, std::move(result)); });
}

void Prober::Impl::finishHealth(TimestampMs started, Result<http::Response> result) {
  health.inFlight = false;
  healthTransfer.reset();
  ProbeEvent event;
  event.instance = instance;
  event.kind = ProbeEvent::Kind::kHealth;
  event.at = started;
  event.duration = clock.now() - started;
  if (!result.ok()) {
    event.error = result.error().message;
  } else {
    event.httpStatus = result->status;
    event.error = http::checkHealthResponse(result->status, result->body, config.expectedStatus);
  }
  event.ok = event.error.empty();
  ++(event.ok ? counters.healthOk : counters.healthFailed);
  appender.appendSynthetic(healthLabels, started, event.ok ? 1.0 : 0.0);
  completed.push_back(std::move(event));
}

void Prober::Impl::finishScrape(TimestampMs started, Result<http::Response> result) {
  scrape.inFlight = false;
  scrapeTransfer.reset();
  ProbeEvent event;
  event.instance = instance;
  event.kind = ProbeEvent::Kind::kScrape;
  event.at = started;
  event.duration = clock.now() - started;
  bool ingestFailed = false;  // ingestExposition already staled the previous scrape
  if (!result.ok()) {
    event.error = body.overflowed()
                      ? "GET " + http::redactUrl(config.metricsUrl) + ": response body exceeds " +
                            std::to_string(body.maxBytes()) + " bytes"
                      : result.error().message;
  } else if (event.httpStatus = result->status; result->status != 200) {
    event.error = "scrape: HTTP status " + std::to_string(result->status) + ", want 200";
  } else {
    // ingestExposition begins and commits (or fails) the scrape itself.
    auto ingested = ingestExposition(body.view(), appender, started, config.labels,
                                     expo::ParseLimits{}, keep.get());
    if (ingested.ok()) {
      event.samples = *ingested;
    } else {
      ingestFailed = true;
      event.error = "scrape: " + ingested.error().message;
    }
  }
  event.ok = event.error.empty();
  if (!event.ok && !ingestFailed) {
    appender.failed(started);
  }
  if (result.ok()) {
    body.settle();  // a transfer cut short says nothing about the body's usual size
  }
  ++(event.ok ? counters.scrapesOk : counters.scrapesFailed);
  appendScrapeSeries(appender, started, config.labels,
                     ScrapeOutcome{event.ok, event.samples, event.duration});
  const tsdb::ScrapeStats stats = appender.stats();
  event.series = stats.lastScrapeSeries;
  event.refused = appender.lastRefusals();
  event.refusedTotal = stats.refusedSeries;
  completed.push_back(std::move(event));
}

Prober::Prober(TargetConfig config, tsdb::Storage& storage, const Clock& clock)
    : impl_(std::make_unique<Impl>(std::move(config), storage, nullptr, clock)) {}
Prober::Prober(TargetConfig config, tsdb::Storage& storage, const Timeline& timeline)
    : impl_(std::make_unique<Impl>(std::move(config), storage, &timeline, timeline.clock())) {}
Prober::Prober(TargetConfig config, tsdb::Storage& storage, const Timeline& timeline,
               http::MultiClient& client)
    : impl_(std::make_unique<Impl>(std::move(config), storage, &timeline, timeline.clock(),
                                   &client)) {}

Prober::~Prober() {
  for (auto* transfer : {&impl_->healthTransfer, &impl_->scrapeTransfer}) {
    if (*transfer) {
      impl_->client.cancel(**transfer);
    }
  }
}

void Prober::startDue() {
  impl_->startDue(impl_->clock.now());
}

std::vector<ProbeEvent> Prober::takeCompleted() {
  std::vector<ProbeEvent> out;
  out.swap(impl_->completed);
  return out;
}

void Prober::retire(TimestampMs t) {
  Impl& s = *impl_;
  for (auto* transfer : {&s.healthTransfer, &s.scrapeTransfer}) {
    if (*transfer) {
      s.client.cancel(**transfer);
      transfer->reset();
    }
  }
  s.health.inFlight = s.scrape.inFlight = false;
  s.health.enabled = s.scrape.enabled = false;
  s.appender.markAllStale(t);
}

std::vector<ProbeEvent> Prober::poll(DurationMs maxWait) {
  Impl& s = *impl_;
  const TimestampMs now = s.clock.now();
  s.startDue(now);
  const DurationMs untilDue = std::max<DurationMs>(0, nextDue() - now);
  s.client.poll(std::min(maxWait, untilDue));
  std::vector<ProbeEvent> out;
  out.swap(s.completed);
  return out;
}

void Prober::wakeup() {
  impl_->client.wakeup();
}

void Prober::setMetricFilter(std::shared_ptr<const MetricNameFilter> keep) {
  impl_->keep = std::move(keep);
}

TimestampMs Prober::nextDue() const {
  TimestampMs due = impl_->clock.now() + kHour;
  for (const auto* schedule : {&impl_->health, &impl_->scrape}) {
    if (schedule->enabled) {
      due = std::min(due, schedule->due);
    }
  }
  return due;
}

ProberCounters Prober::counters() const {
  return impl_->counters;
}

tsdb::ScrapeStats Prober::scrapeStats() const {
  return impl_->appender.stats();
}

const TargetConfig& Prober::config() const {
  return impl_->config;
}

}  // namespace nova::scrape
