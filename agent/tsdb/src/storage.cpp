#include "nova/tsdb/storage.h"

#include <algorithm>
#include <atomic>
#include <cassert>
#include <deque>
#include <limits>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "series_buffer.h"

namespace nova::tsdb {

namespace {

// Created before any sample was appended: its idle clock starts at the next sweep.
constexpr TimestampMs kNotYetTimed = std::numeric_limits<TimestampMs>::max();

struct SeriesEntry {
  Labels labels;
  std::size_t hash = 0;
  std::size_t fixedBytes = 0;  // labels and index overhead, constant for the series' life
  detail::SeriesBuffer buffer;
  // The newest timestamp when it was last created or looked up: a series just looked up is
  // about to receive samples and must not be dropped before they arrive.
  TimestampMs touchedAt = kNotYetTimed;
  std::uint32_t generation = 0;
  bool live = true;
};

// Approximate heap cost of the index structures per series: a hash-set node (next pointer,
// cached hash, id) and one slot in the name index.
constexpr std::size_t kIndexBytesPerSeries = 3 * sizeof(void*) + sizeof(SeriesId);
// Per distinct metric name: the map node, the key and an empty id vector.
constexpr std::size_t kNameIndexBytes =
    sizeof(std::string) + sizeof(std::vector<SeriesId>) + 2 * sizeof(void*);

// Layout versions are drawn from one sequence for the whole process, so two stores (or a
// store and its successor at the same address) never show the same version.
std::uint64_t nextLayoutVersion() {
  static std::atomic<std::uint64_t> sequence{0};
  return sequence.fetch_add(1, std::memory_order_relaxed) + 1;
}

std::size_t fixedBytesOf(const Labels& labels) {
  std::size_t bytes = sizeof(SeriesEntry) + kIndexBytesPerSeries;
  for (const LabelRef label : labels) {
    bytes += sizeof(Label) + label.name.size() + label.value.size();
  }
  return bytes;
}

// The by-labels index stores only ids; hashing and comparing go through the series table,
// so each label set is held once. Transparent, so lookups take a Labels directly.
struct IdHash {
  using is_transparent = void;
  const std::deque<SeriesEntry>* table;
  std::size_t operator()(SeriesId id) const { return (*table)[id].hash; }
  std::size_t operator()(const Labels& labels) const { return LabelsHash{}(labels); }
};

struct IdEqual {
  using is_transparent = void;
  const std::deque<SeriesEntry>* table;
  bool operator()(SeriesId a, SeriesId b) const { return a == b; }
  bool operator()(const Labels& a, SeriesId b) const { return a == (*table)[b].labels; }
  bool operator()(SeriesId a, const Labels& b) const { return (*table)[a].labels == b; }
};

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

}  // namespace

struct Storage::Impl {
  explicit Impl(Limits l) : limits(l), byLabels(0, IdHash{&series}, IdEqual{&series}) {}

  TimestampMs cutoff() const {
    if (limits.retention <= 0 || !hasNewest) {
      return std::numeric_limits<TimestampMs>::min();
    }
    return newest - limits.retention;
  }

  // Applies `op` to one series' buffer and keeps the byte and sample totals exact.
  template <typename Op>
  void mutate(SeriesEntry& entry, Op&& op) {
    bytes -= entry.buffer.allocatedBytes();
    samples -= entry.buffer.size();
    op(entry.buffer);
    bytes += entry.buffer.allocatedBytes();
    samples += entry.buffer.size();
  }

  // The most samples a series appended to at `t` will hold: retention over its interval
  // (the step from its newest sample), both ends of the window included; 0 when unknown.
  std::size_t window(const detail::SeriesBuffer& buffer, TimestampMs t) const {
    if (limits.retention <= 0 || buffer.empty() || buffer.live().back().t >= t) {
      return 0;
    }
    const TimestampMs step = t - buffer.live().back().t;
    return static_cast<std::size_t>(limits.retention / step) + 2;
  }

  // Under byte pressure a series may keep only its even share of the budget; the oldest
  // samples go first. Without pressure series grow freely (bounded by retention).
  void enforceShare(SeriesEntry& entry) {
    if (bytes <= limits.maxBytes || series.empty()) {
      return;
    }
    std::size_t share = limits.maxBytes / series.size();
    std::size_t keep = std::max<std::size_t>(1, share / sizeof(Sample));
    if (entry.buffer.size() > keep) {
      mutate(entry,
             [&](detail::SeriesBuffer& b) { evictedSamples += b.dropOldest(b.size() - keep); });
    }
  }

  // Series that stopped receiving samples are trimmed here, every retention/30, so their
  // memory is released without a per-append scan; those left without a sample are dropped.
  void maybeSweep() {
    if (limits.retention <= 0 || newest < nextSweep) {
      return;
    }
    TimestampMs limit = cutoff();
    std::vector<SeriesId> idle;
    for (std::size_t id = 0; id < series.size(); ++id) {
      SeriesEntry& entry = series[id];
      if (!entry.live) {
        continue;
      }
      if (!entry.buffer.empty() && entry.buffer.live().front().t < limit) {
        mutate(entry, [&](detail::SeriesBuffer& b) { b.trimBefore(limit); });
      }
      if (entry.touchedAt == kNotYetTimed) {
        entry.touchedAt = newest;
      }
      if (entry.buffer.empty() && entry.touchedAt < limit) {
        idle.push_back(static_cast<SeriesId>(id));
      }
    }
    drop(idle);
    nextSweep = newest + std::max<DurationMs>(limits.retention / 30, kSecond);
  }

  // Frees the labels, samples and index entries of `ids` and keeps their slots for reuse.
  void drop(const std::vector<SeriesId>& ids) {
    if (ids.empty()) {
      return;
    }
    std::unordered_set<std::string> names;
    for (SeriesId id : ids) {
      SeriesEntry& entry = series[id];
      names.emplace(entry.labels.metricName());
      byLabels.erase(id);
      entry.live = false;
      mutate(entry, [](detail::SeriesBuffer& b) { b = detail::SeriesBuffer{}; });
      bytes -= entry.fixedBytes;
      entry.labels = Labels{};
      freeIds.push_back(id);
    }
    droppedSeries += ids.size();
    layoutVersion = nextLayoutVersion();
    // One pass per affected name, so dropping many series of one name stays linear.
    for (const std::string& name : names) {
      auto it = byName.find(name);
      std::erase_if(it->second, [&](SeriesId id) { return !series[id].live; });
      if (it->second.empty()) {
        bytes -= kNameIndexBytes + name.size();
        byName.erase(it);
      }
    }
  }

  Limits limits;
  std::deque<SeriesEntry> series;  // a deque keeps labels() references stable on growth
  std::vector<SeriesId> freeIds;   // slots of dropped series, reused first
  std::unordered_set<SeriesId, IdHash, IdEqual> byLabels;
  std::unordered_map<std::string, std::vector<SeriesId>, StringHash, std::equal_to<>> byName;
  bool hasNewest = false;
  TimestampMs newest = 0;
  TimestampMs nextSweep = std::numeric_limits<TimestampMs>::min();
  std::size_t bytes = 0;
  std::size_t samples = 0;
  std::uint64_t rejectedSeries = 0;
  std::uint64_t rejectedSamples = 0;
  std::uint64_t evictedSamples = 0;
  std::uint64_t droppedSeries = 0;
  std::uint64_t layoutVersion = nextLayoutVersion();
};

Storage::Storage(Limits limits) : impl_(std::make_unique<Impl>(limits)) {}

Storage::~Storage() = default;

std::optional<SeriesId> Storage::getOrCreate(const Labels& labels) {
  if (auto it = impl_->byLabels.find(labels); it != impl_->byLabels.end()) {
    impl_->series[*it].touchedAt = impl_->hasNewest ? impl_->newest : kNotYetTimed;
    return *it;
  }
  const std::size_t fixed = fixedBytesOf(labels);
  // The name index entry is paid by the first series of a name and freed with its last.
  const std::size_t nameCost = impl_->byName.contains(labels.metricName())
                                   ? 0
                                   : kNameIndexBytes + labels.metricName().size();
  const std::size_t cost = fixed + nameCost;
  const std::size_t live = impl_->series.size() - impl_->freeIds.size();
  if (live >= impl_->limits.maxSeries ||
      (impl_->freeIds.empty() && impl_->series.size() >= std::numeric_limits<SeriesId>::max()) ||
      impl_->bytes + cost > impl_->limits.maxBytes) {
    ++impl_->rejectedSeries;
    return std::nullopt;
  }
  SeriesEntry entry{labels, LabelsHash{}(labels), fixed, {}, {}, 0, true};
  entry.touchedAt = impl_->hasNewest ? impl_->newest : kNotYetTimed;
  SeriesId id = 0;
  if (impl_->freeIds.empty()) {
    id = static_cast<SeriesId>(impl_->series.size());
    impl_->series.push_back(std::move(entry));
  } else {
    id = impl_->freeIds.back();
    impl_->freeIds.pop_back();
    entry.generation = impl_->series[id].generation + 1;
    impl_->series[id] = std::move(entry);
  }
  impl_->byLabels.insert(id);
  impl_->byName[std::string(labels.metricName())].push_back(id);
  impl_->bytes += cost;
  impl_->layoutVersion = nextLayoutVersion();
  return id;
}

std::optional<SeriesId> Storage::find(const Labels& labels) const {
  if (auto it = impl_->byLabels.find(labels); it != impl_->byLabels.end()) {
    return *it;
  }
  return std::nullopt;
}

std::uint32_t Storage::generation(SeriesId id) const {
  assert(id < impl_->series.size());
  return impl_->series[id].generation;
}

void Storage::append(SeriesId id, TimestampMs t, double v) {
  assert(id < impl_->series.size());
  if (!impl_->series[id].live) {
    ++impl_->rejectedSamples;  // dropped while a caller still held its id
    return;
  }
  if (!impl_->hasNewest || t > impl_->newest) {
    impl_->newest = t;
    impl_->hasNewest = true;
  }
  TimestampMs limit = impl_->cutoff();
  if (t < limit) {
    // It would be trimmed at once; refusing keeps replays of old data from churning.
    ++impl_->rejectedSamples;
    return;
  }
  SeriesEntry& entry = impl_->series[id];
  if (!entry.buffer.empty() && entry.buffer.live().back().t >= t) {
    impl_->layoutVersion = nextLayoutVersion();  // inserted before the newest, or replacing
  }
  const std::size_t window = impl_->window(entry.buffer, t);
  // Windows are claimed whole only while the store stays within half its budget, so claims
  // never bring on the byte pressure that trims series.
  const std::size_t halfBudget = impl_->limits.maxBytes / 2;
  const std::size_t claimable = impl_->bytes < halfBudget ? halfBudget - impl_->bytes : 0;
  impl_->mutate(entry, [&](detail::SeriesBuffer& b) {
    b.append(t, v, window, claimable);
    b.trimBefore(limit);
  });
  impl_->enforceShare(entry);
  impl_->maybeSweep();
}

const Labels& Storage::labels(SeriesId id) const {
  assert(id < impl_->series.size());
  return impl_->series[id].labels;
}

std::span<const Sample> Storage::samples(SeriesId id) const {
  assert(id < impl_->series.size());
  return impl_->series[id].buffer.live();
}

std::span<const SeriesId> Storage::seriesWithName(std::string_view name) const {
  if (auto it = impl_->byName.find(name); it != impl_->byName.end()) {
    return it->second;
  }
  return {};
}

void Storage::forEachSeries(const std::function<void(SeriesId, const Labels&)>& fn) const {
  for (std::size_t i = 0; i < impl_->series.size(); ++i) {
    if (impl_->series[i].live) {
      fn(static_cast<SeriesId>(i), impl_->series[i].labels);
    }
  }
}

Stats Storage::stats() const {
  Stats s;
  s.series = impl_->series.size() - impl_->freeIds.size();
  s.samples = impl_->samples;
  s.bytes = impl_->bytes;
  s.rejectedSeries = impl_->rejectedSeries;
  s.rejectedSamples = impl_->rejectedSamples;
  s.evictedSamples = impl_->evictedSamples;
  s.droppedSeries = impl_->droppedSeries;
  return s;
}

const Limits& Storage::limits() const {
  return impl_->limits;
}

std::size_t Storage::seriesCount() const {
  return impl_->series.size();
}

std::uint64_t Storage::layoutVersion() const {
  return impl_->layoutVersion;
}

std::optional<TimestampMs> Storage::newestTimestamp() const {
  if (!impl_->hasNewest) {
    return std::nullopt;
  }
  return impl_->newest;
}

void Storage::clear() {
  impl_->byLabels.clear();
  impl_->byName.clear();
  impl_->series.clear();
  impl_->freeIds.clear();
  impl_->bytes = 0;
  impl_->samples = 0;
  impl_->hasNewest = false;
  impl_->newest = 0;
  impl_->nextSweep = std::numeric_limits<TimestampMs>::min();
  impl_->layoutVersion = nextLayoutVersion();
}

}  // namespace nova::tsdb
