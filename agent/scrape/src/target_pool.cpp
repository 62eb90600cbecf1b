#include "nova/scrape/target_pool.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>

namespace nova::scrape {

namespace {

// What /status keeps of a target between events.
struct Seen {
  bool up = false;
  std::optional<bool> healthy;
  TimestampMs lastScrape = 0;
  std::string scrapeError;
  std::string healthError;
  std::size_t series = 0;
};

void add(ProberCounters& into, const ProberCounters& c) {
  into.healthOk += c.healthOk;
  into.healthFailed += c.healthFailed;
  into.scrapesOk += c.scrapesOk;
  into.scrapesFailed += c.scrapesFailed;
  into.skipped += c.skipped;
}

void add(tsdb::ScrapeStats& into, const tsdb::ScrapeStats& s) {
  into.scrapes += s.scrapes;
  into.failedScrapes += s.failedScrapes;
  into.samples += s.samples;
  into.staleMarkers += s.staleMarkers;
  into.refusedSamples += s.refusedSamples;
  into.refusedSeries += s.refusedSeries;
  into.cacheOverflows += s.cacheOverflows;
  into.cacheEntries += s.cacheEntries;
  into.lastScrapeSeries += s.lastScrapeSeries;
}

}  // namespace

struct TargetPool::Impl {
  struct Entry {
    DiscoveredTarget target;
    std::unique_ptr<Prober> prober;
    Seen seen;
  };

  Impl(TargetConfig b, PoolOptions o, tsdb::Storage& s, const Timeline& t)
      : base(std::move(b)), options(std::move(o)), storage(s), timeline(t) {}

  TargetConfig configFor(const DiscoveredTarget& target) const {
    TargetConfig config = base;
    const std::string root = options.scheme + "://" + target.instance;
    config.healthUrl = options.healthPath.empty() ? "" : root + options.healthPath;
    config.metricsUrl = options.metricsPath.empty() ? "" : root + options.metricsPath;
    config.labels = target.labels;
    return config;
  }

  void retire(Entry& entry) {
    entry.prober->retire(timeline.now());
    add(retiredCounters, entry.prober->counters());
    add(retiredStats, entry.prober->scrapeStats());
    retiredStats.cacheEntries -= entry.prober->scrapeStats().cacheEntries;
    retiredStats.lastScrapeSeries -= entry.prober->scrapeStats().lastScrapeSeries;
  }

  TargetConfig base;
  PoolOptions options;
  tsdb::Storage& storage;
  const Timeline& timeline;
  http::MultiClient client;
  std::shared_ptr<const MetricNameFilter> keep;
  std::map<std::string, Entry> targets;  // by instance
  PoolCounters counters;
  ProberCounters retiredCounters;
  tsdb::ScrapeStats retiredStats;
};

TargetPool::TargetPool(TargetConfig base, PoolOptions options, tsdb::Storage& storage,
                       const Timeline& timeline)
    : impl_(std::make_unique<Impl>(std::move(base), std::move(options), storage, timeline)) {}

TargetPool::~TargetPool() = default;

SyncResult TargetPool::sync(const std::vector<DiscoveredTarget>& wanted) {
  Impl& s = *impl_;
  ++s.counters.syncs;
  std::map<std::string, const DiscoveredTarget*> next;
  SyncResult result;
  for (const auto& target : wanted) {
    if (next.size() >= s.options.maxTargets && next.count(target.instance) == 0) {
      result.refused.push_back(target.instance);
      continue;
    }
    next.emplace(target.instance, &target);
  }
  for (auto it = s.targets.begin(); it != s.targets.end();) {
    auto found = next.find(it->first);
    if (found != next.end() && found->second->labels == it->second.target.labels) {
      ++it;
      continue;
    }
    s.retire(it->second);
    result.removed.push_back(it->first);
    spdlog::info("targets: removed {} (pod {}); its series are marked stale", it->first,
                 it->second.target.labels.get("pod"));
    it = s.targets.erase(it);
  }
  for (const auto& [instance, target] : next) {
    if (s.targets.count(instance) > 0) {
      continue;
    }
    auto prober = std::make_unique<Prober>(s.configFor(*target), s.storage, s.timeline, s.client);
    prober->setMetricFilter(s.keep);
    s.targets.emplace(instance, Impl::Entry{*target, std::move(prober), Seen{}});
    result.added.push_back(instance);
    spdlog::info("targets: added {} (pod {})", instance, target->labels.get("pod"));
  }
  if (!result.refused.empty()) {
    spdlog::warn("targets: {} refused beyond the limit of {} (first: {})", result.refused.size(),
                 s.options.maxTargets, result.refused.front());
  }
  s.counters.added += result.added.size();
  s.counters.removed += result.removed.size();
  s.counters.refused += result.refused.size();
  return result;
}

std::vector<ProbeEvent> TargetPool::poll(DurationMs maxWait) {
  Impl& s = *impl_;
  for (auto& [instance, entry] : s.targets) {
    entry.prober->startDue();
  }
  const DurationMs untilDue = std::max<DurationMs>(0, nextDue() - s.timeline.now());
  s.client.poll(std::min(maxWait, untilDue));
  std::vector<ProbeEvent> out;
  for (auto& [instance, entry] : s.targets) {
    for (auto& event : entry.prober->takeCompleted()) {
      Seen& seen = entry.seen;
      if (event.kind == ProbeEvent::Kind::kScrape) {
        seen.up = event.ok;
        seen.lastScrape = event.at;
        seen.scrapeError = event.error;
        seen.series = event.series;
      } else {
        seen.healthy = event.ok;
        seen.healthError = event.error;
      }
      out.push_back(std::move(event));
    }
  }
  std::sort(out.begin(), out.end(),
            [](const ProbeEvent& a, const ProbeEvent& b) { return a.at < b.at; });
  return out;
}

void TargetPool::wakeup() {
  impl_->client.wakeup();
}

void TargetPool::setMetricFilter(const std::shared_ptr<const MetricNameFilter>& keep) {
  impl_->keep = keep;
  for (auto& [instance, entry] : impl_->targets) {
    entry.prober->setMetricFilter(keep);
  }
}

TimestampMs TargetPool::nextDue() const {
  TimestampMs due = impl_->timeline.now() + kSecond;  // re-check for new targets meanwhile
  for (const auto& [instance, entry] : impl_->targets) {
    due = std::min(due, entry.prober->nextDue());
  }
  return due;
}

std::size_t TargetPool::size() const {
  return impl_->targets.size();
}

std::vector<TargetStatus> TargetPool::status() const {
  std::vector<TargetStatus> out;
  for (const auto& [instance, entry] : impl_->targets) {
    const Seen& seen = entry.seen;
    std::string error = seen.scrapeError;
    if (!seen.healthError.empty()) {
      error += (error.empty() ? "" : "; ") + seen.healthError;
    }
    out.push_back({instance, std::string(entry.target.labels.get("pod")), seen.up, seen.healthy,
                   seen.lastScrape, std::move(error), seen.series});
  }
  return out;
}

PoolCounters TargetPool::counters() const {
  return impl_->counters;
}

ProberCounters TargetPool::proberCounters() const {
  ProberCounters total = impl_->retiredCounters;
  for (const auto& [instance, entry] : impl_->targets) {
    add(total, entry.prober->counters());
  }
  return total;
}

tsdb::ScrapeStats TargetPool::scrapeStats() const {
  tsdb::ScrapeStats total = impl_->retiredStats;
  for (const auto& [instance, entry] : impl_->targets) {
    add(total, entry.prober->scrapeStats());
  }
  return total;
}

}  // namespace nova::scrape
