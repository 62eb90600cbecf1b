#include "nova/tsdb/scrape_appender.h"

#include <algorithm>
#include <string>
#include <unordered_map>
#include <vector>

#include "nova/core/sample.h"

namespace nova::tsdb {

namespace {

struct CacheEntry {
  SeriesId id = 0;
  std::uint32_t generation = 0;      // the Storage's generation of `id` when it was resolved
  bool refused = false;              // the Storage refused the series; remembered to skip the work
  std::uint64_t refusedAtDrops = 0;  // the Storage's droppedSeries when it refused
  std::string name;                  // metric name of a refused series, for Refusals
  bool explicitTs = false;           // last added with its own timestamp: not stale-tracked
  bool inPrev = false;               // tracked member of the last committed scrape
  std::uint64_t seen = 0;            // scrape sequence number of the last add
};

struct PendingSample {
  SeriesId id;
  TimestampMs t;
  double v;
};

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

}  // namespace

struct ScrapeAppender::Impl {
  Impl(Storage& s, std::size_t maxEntries)
      : storage(s), maxEntries(maxEntries == 0 ? s.limits().maxSeries : maxEntries) {}

  // Records that `id` was part of the current scrape, for staleness by series rather than
  // by raw key (two spellings of one series must not mark each other stale).
  void markSeen(SeriesId id) {
    if (seriesSeen.size() <= id) {
      seriesSeen.resize(static_cast<std::size_t>(id) + 1, 0);
    }
    seriesSeen[id] = seq;
  }
  bool seenNow(SeriesId id) const { return id < seriesSeen.size() && seriesSeen[id] == seq; }

  // True while `id` still names the series it named at `generation` (not dropped).
  bool holds(SeriesId id, std::uint32_t generation) const {
    return id < storage.seriesCount() && storage.generation(id) == generation;
  }

  // Stale marker for a series of the previous scrape, once per series per scrape.
  void markStale(const CacheEntry& e, TimestampMs t) {
    if (!e.inPrev || e.refused || seenNow(e.id) || !holds(e.id, e.generation)) {
      return;
    }
    storage.append(e.id, t, staleNaN());
    markSeen(e.id);
    ++stats.staleMarkers;
  }

  // Stale markers at `t` for every series of the last committed scrape; empties the cache.
  void staleAll(TimestampMs t) {
    pending.clear();
    ++seq;  // a fresh sequence so markStale's per-series dedupe starts empty
    for (const auto& [key, slot] : index) {
      markStale(slots[slot], t);
    }
    dropCache();
  }

  void dropCache() {
    index.clear();
    slots.clear();
    freeSlots.clear();
  }

  // Notes a refused series of the current scrape, once per series.
  void noteRefused(std::string_view name) {
    ++current.series;
    if (current.truncated) {
      return;
    }
    auto it = std::lower_bound(current.names.begin(), current.names.end(), name);
    if (it != current.names.end() && *it == name) {
      return;
    }
    if (current.names.size() >= Refusals::kMaxNames) {
      current.truncated = true;
      return;
    }
    current.names.insert(it, std::string(name));
  }

  Storage& storage;
  std::size_t maxEntries;
  Refusals current;  // of the scrape being built
  Refusals last;     // of the last committed scrape
  std::unordered_map<std::string, std::uint32_t, StringHash, std::equal_to<>> index;
  std::vector<CacheEntry> slots;
  std::vector<std::uint32_t> freeSlots;
  std::vector<PendingSample> pending;
  std::vector<std::uint64_t> seriesSeen;  // by SeriesId: last scrape that added it
  struct Synthetic {
    SeriesId id;
    std::uint32_t generation;
  };
  std::unordered_map<Labels, Synthetic, LabelsHash> synthetic;
  std::uint64_t seq = 0;
  TimestampMs scrapeT = 0;
  ScrapeStats stats;
};

ScrapeAppender::ScrapeAppender(Storage& storage, std::size_t maxCacheEntries)
    : impl_(std::make_unique<Impl>(storage, maxCacheEntries)) {}

ScrapeAppender::~ScrapeAppender() = default;

void ScrapeAppender::begin(TimestampMs t) {
  impl_->pending.clear();
  impl_->current = {};
  ++impl_->seq;
  impl_->scrapeT = t;
}

std::optional<std::uint32_t> ScrapeAppender::lookup(std::string_view rawKey) {
  if (auto it = impl_->index.find(rawKey); it != impl_->index.end()) {
    return it->second;
  }
  return std::nullopt;
}

bool ScrapeAppender::cacheFull() const {
  return impl_->index.size() >= impl_->maxEntries;
}

bool ScrapeAppender::overflow(std::string_view rawKey) {
  ++impl_->stats.cacheOverflows;
  // The raw key starts with the metric name; the labels are not built for a dropped sample.
  impl_->noteRefused(rawKey.substr(0, rawKey.find('{')));
  return false;
}

bool ScrapeAppender::outdated(std::uint32_t slot) const {
  const CacheEntry& e = impl_->slots[slot];
  if (e.refused) {
    return impl_->storage.stats().droppedSeries != e.refusedAtDrops;
  }
  return !impl_->holds(e.id, e.generation);
}

void ScrapeAppender::resolve(std::uint32_t slot, const Labels& labels) {
  CacheEntry& e = impl_->slots[slot];
  const bool wasRefused = e.refused;
  std::optional<SeriesId> id = impl_->storage.getOrCreate(labels);
  e.refused = !id.has_value();
  if (id) {
    e.id = *id;
    e.generation = impl_->storage.generation(*id);
    e.name.clear();
    return;
  }
  e.refusedAtDrops = impl_->storage.stats().droppedSeries;
  e.name = std::string(labels.metricName());
  if (!wasRefused) {
    ++impl_->stats.refusedSeries;
  }
}

bool ScrapeAppender::addCached(std::uint32_t slot, double v, std::optional<TimestampMs> t) {
  CacheEntry& e = impl_->slots[slot];
  const bool firstThisScrape = e.seen != impl_->seq;
  e.seen = impl_->seq;
  if (e.refused) {
    ++impl_->stats.refusedSamples;
    if (firstThisScrape) {
      impl_->noteRefused(e.name);
    }
    return false;
  }
  e.explicitTs = t.has_value();
  impl_->markSeen(e.id);
  impl_->pending.push_back({e.id, t.value_or(impl_->scrapeT), v});
  return true;
}

bool ScrapeAppender::addNew(std::string_view rawKey, const Labels& labels, double v,
                            std::optional<TimestampMs> t) {
  std::uint32_t slot = 0;
  if (!impl_->freeSlots.empty()) {
    slot = impl_->freeSlots.back();
    impl_->freeSlots.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(impl_->slots.size());
    impl_->slots.emplace_back();
  }
  impl_->slots[slot] = CacheEntry{};
  impl_->index.emplace(std::string(rawKey), slot);
  resolve(slot, labels);
  return addCached(slot, v, t);
}

void ScrapeAppender::commit() {
  Impl& m = *impl_;
  for (const PendingSample& p : m.pending) {
    m.storage.append(p.id, p.t, p.v);
  }
  m.stats.samples += m.pending.size();
  m.pending.clear();
  ++m.stats.scrapes;
  m.last = std::move(m.current);
  m.current = {};
  m.stats.lastScrapeSeries = 0;
  for (auto it = m.index.begin(); it != m.index.end();) {
    CacheEntry& e = m.slots[it->second];
    if (e.seen == m.seq) {
      e.inPrev = !e.refused && !e.explicitTs;
      m.stats.lastScrapeSeries += e.refused ? 0 : 1;
      ++it;
      continue;
    }
    m.markStale(e, m.scrapeT);
    m.freeSlots.push_back(it->second);
    it = m.index.erase(it);
  }
}

void ScrapeAppender::failed(TimestampMs t) {
  impl_->staleAll(t);
  impl_->current = {};
  impl_->last = {};
  impl_->stats.lastScrapeSeries = 0;
  ++impl_->stats.failedScrapes;
}

bool ScrapeAppender::appendSynthetic(const Labels& labels, TimestampMs t, double v) {
  Storage& storage = impl_->storage;
  auto it = impl_->synthetic.find(labels);
  if (it != impl_->synthetic.end() && !impl_->holds(it->second.id, it->second.generation)) {
    impl_->synthetic.erase(it);  // dropped while the target did not write it
    it = impl_->synthetic.end();
  }
  if (it == impl_->synthetic.end()) {
    std::optional<SeriesId> id = storage.getOrCreate(labels);
    if (!id) {
      ++impl_->stats.refusedSamples;
      return false;
    }
    it = impl_->synthetic.emplace(labels, Impl::Synthetic{*id, storage.generation(*id)}).first;
  }
  storage.append(it->second.id, t, v);
  return true;
}

void ScrapeAppender::markAllStale(TimestampMs t) {
  impl_->staleAll(t);
  for (const auto& [labels, synthetic] : impl_->synthetic) {
    if (impl_->holds(synthetic.id, synthetic.generation)) {
      impl_->storage.append(synthetic.id, t, staleNaN());
      ++impl_->stats.staleMarkers;
    }
  }
  impl_->synthetic.clear();
}

void ScrapeAppender::reset() {
  impl_->dropCache();
  impl_->pending.clear();
  impl_->seriesSeen.clear();
  impl_->synthetic.clear();
}

const Refusals& ScrapeAppender::lastRefusals() const {
  return impl_->last;
}

ScrapeStats ScrapeAppender::stats() const {
  ScrapeStats s = impl_->stats;
  s.cacheEntries = impl_->index.size();
  return s;
}

}  // namespace nova::tsdb
