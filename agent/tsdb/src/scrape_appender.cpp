#include "nova/tsdb/scrape_appender.h"

#include <string>
#include <unordered_map>
#include <vector>

#include "nova/core/sample.h"

namespace nova::tsdb {

namespace {

struct CacheEntry {
  SeriesId id = 0;
  bool refused = false;     // the Storage refused the series; remembered to skip the work
  bool explicitTs = false;  // last added with its own timestamp: not stale-tracked
  bool inPrev = false;      // tracked member of the last committed scrape
  std::uint64_t seen = 0;   // scrape sequence number of the last add
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

  // Stale marker for a series of the previous scrape, once per series per scrape.
  void markStale(const CacheEntry& e, TimestampMs t) {
    if (!e.inPrev || e.refused || seenNow(e.id)) {
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

  Storage& storage;
  std::size_t maxEntries;
  std::unordered_map<std::string, std::uint32_t, StringHash, std::equal_to<>> index;
  std::vector<CacheEntry> slots;
  std::vector<std::uint32_t> freeSlots;
  std::vector<PendingSample> pending;
  std::vector<std::uint64_t> seriesSeen;  // by SeriesId: last scrape that added it
  std::unordered_map<Labels, SeriesId, LabelsHash> synthetic;
  std::uint64_t seq = 0;
  TimestampMs scrapeT = 0;
  ScrapeStats stats;
};

ScrapeAppender::ScrapeAppender(Storage& storage, std::size_t maxCacheEntries)
    : impl_(std::make_unique<Impl>(storage, maxCacheEntries)) {}

ScrapeAppender::~ScrapeAppender() = default;

void ScrapeAppender::begin(TimestampMs t) {
  impl_->pending.clear();
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

bool ScrapeAppender::overflow() {
  ++impl_->stats.cacheOverflows;
  return false;
}

bool ScrapeAppender::addCached(std::uint32_t slot, double v, std::optional<TimestampMs> t) {
  CacheEntry& e = impl_->slots[slot];
  e.seen = impl_->seq;
  if (e.refused) {
    ++impl_->stats.refusedSamples;
    return false;
  }
  e.explicitTs = t.has_value();
  impl_->markSeen(e.id);
  impl_->pending.push_back({e.id, t.value_or(impl_->scrapeT), v});
  return true;
}

bool ScrapeAppender::addNew(std::string_view rawKey, const Labels& labels, double v,
                            std::optional<TimestampMs> t) {
  std::optional<SeriesId> id = impl_->storage.getOrCreate(labels);
  std::uint32_t slot = 0;
  if (!impl_->freeSlots.empty()) {
    slot = impl_->freeSlots.back();
    impl_->freeSlots.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(impl_->slots.size());
    impl_->slots.emplace_back();
  }
  impl_->slots[slot] = CacheEntry{.id = id.value_or(0), .refused = !id.has_value()};
  impl_->index.emplace(std::string(rawKey), slot);
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
  for (auto it = m.index.begin(); it != m.index.end();) {
    CacheEntry& e = m.slots[it->second];
    if (e.seen == m.seq) {
      e.inPrev = !e.refused && !e.explicitTs;
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
  ++impl_->stats.failedScrapes;
}

bool ScrapeAppender::appendSynthetic(const Labels& labels, TimestampMs t, double v) {
  auto it = impl_->synthetic.find(labels);
  if (it == impl_->synthetic.end()) {
    std::optional<SeriesId> id = impl_->storage.getOrCreate(labels);
    if (!id) {
      ++impl_->stats.refusedSamples;
      return false;
    }
    it = impl_->synthetic.emplace(labels, *id).first;
  }
  impl_->storage.append(it->second, t, v);
  return true;
}

void ScrapeAppender::markAllStale(TimestampMs t) {
  impl_->staleAll(t);
  for (const auto& [labels, id] : impl_->synthetic) {
    impl_->storage.append(id, t, staleNaN());
    ++impl_->stats.staleMarkers;
  }
  impl_->synthetic.clear();
}

void ScrapeAppender::reset() {
  impl_->dropCache();
  impl_->pending.clear();
  impl_->seriesSeen.clear();
  impl_->synthetic.clear();
}

ScrapeStats ScrapeAppender::stats() const {
  ScrapeStats s = impl_->stats;
  s.cacheEntries = impl_->index.size();
  return s;
}

}  // namespace nova::tsdb
