#include "nova/tsdb/scrape_appender.h"

#include <algorithm>
#include <string>
#include <unordered_map>
#include <vector>

#include "nova/core/sample.h"

namespace nova::tsdb {

namespace {

struct CacheEntry {
  std::string_view key;  // the index's key (its node never moves while the entry is cached)
  SeriesId id = 0;
  std::uint32_t generation = 0;      // the Storage's generation of `id` when it was resolved
  bool refused = false;              // the Storage refused the series; remembered to skip the work
  std::uint64_t refusedAtDrops = 0;  // the Storage's droppedSeries when it refused
  std::string name;                  // metric name of a refused series, for Refusals
  bool explicitTs = false;           // last added with its own timestamp: not stale-tracked
  bool inPrev = false;               // tracked member of the last committed scrape
  std::uint64_t seen = 0;            // scrape sequence number of the last add
  std::uint64_t committed = 0;       // scrape sequence number of the last commit that kept it
  std::uint32_t position = 0;        // where the last committed scrape added it first
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

  // Keys a scrape that was never committed added: nothing of theirs was written, so they
  // leave the cache without a stale marker (the cache holds the last committed scrape).
  void dropUncommitted() {
    for (const std::uint32_t slot : nextOrder) {
      CacheEntry& e = slots[slot];
      if (e.committed == 0) {
        index.erase(index.find(e.key));
        e = CacheEntry{};
        freeSlots.push_back(slot);
      }
    }
    nextOrder.clear();
  }

  void dropCache() {
    index.clear();
    slots.clear();
    freeSlots.clear();
    order.clear();
    nextOrder.clear();
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
  // Targets write their series in the same order every scrape: `order` holds the slots as
  // the last committed scrape added them, and the next key is first compared with the one
  // at `cursor`, so a known series costs one comparison of its text, no hash and no probe
  // of the index. `nextOrder` collects the scrape being built.
  std::vector<std::uint32_t> order;
  std::vector<std::uint32_t> nextOrder;
  std::size_t cursor = 0;
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
  impl_->cursor = 0;
  impl_->dropUncommitted();
}

std::optional<std::uint32_t> ScrapeAppender::lookup(std::string_view rawKey) {
  Impl& m = *impl_;
  if (m.cursor < m.order.size()) {
    const std::uint32_t expected = m.order[m.cursor];
    if (m.slots[expected].key == rawKey) {
      ++m.cursor;
      return expected;
    }
  }
  if (auto it = m.index.find(rawKey); it != m.index.end()) {
    // Out of the expected order (a series added or removed before it): carry on from it.
    const CacheEntry& e = m.slots[it->second];
    if (e.committed != 0 && e.position < m.order.size() && m.order[e.position] == it->second) {
      m.cursor = e.position + std::size_t{1};
    }
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
  if (firstThisScrape) {
    impl_->nextOrder.push_back(slot);
  }
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
  impl_->slots[slot].key = impl_->index.emplace(std::string(rawKey), slot).first->first;
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
  // The cache holds what the last committed scrape and this one added: those of the last
  // scrape that this one did not add go stale and leave the cache.
  for (const std::uint32_t slot : m.order) {
    CacheEntry& e = m.slots[slot];
    if (e.seen == m.seq) {
      continue;
    }
    m.markStale(e, m.scrapeT);
    m.index.erase(m.index.find(e.key));
    e = CacheEntry{};
    m.freeSlots.push_back(slot);
  }
  m.stats.lastScrapeSeries = 0;
  for (std::size_t i = 0; i < m.nextOrder.size(); ++i) {
    CacheEntry& e = m.slots[m.nextOrder[i]];
    e.inPrev = !e.refused && !e.explicitTs;
    e.committed = m.seq;
    e.position = static_cast<std::uint32_t>(i);
    m.stats.lastScrapeSeries += e.refused ? 0 : 1;
  }
  m.order.swap(m.nextOrder);
  m.nextOrder.clear();
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
