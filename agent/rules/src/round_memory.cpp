// Recording rules: an overlay of recorded series beside the store, recorded in order at the
// round's timestamp before the rules are evaluated.
#include "round_memory.h"

#include <algorithm>
#include <variant>

#include "nova/rules/selected_names.h"

namespace nova::rules::detail {
namespace {

bool contains(const std::vector<std::string>& sorted, std::string_view name) {
  return std::binary_search(sorted.begin(), sorted.end(), name);
}

// A recorded series' labels: the sample's, named `record`, with the rule's labels over them.
Labels recordedLabels(const Labels& sample, const RecordingRule& rule) {
  LabelsBuilder builder(sample);
  builder.set(kMetricNameLabel, rule.record);
  for (const auto& [name, value] : rule.labels) {
    builder.set(name, value);
  }
  return builder.build();
}

}  // namespace

std::shared_ptr<RoundMemory> newRoundMemory() {
  return std::make_shared<RoundMemory>();
}

Round::Round(const RuleSet& ruleSet, const promql::Engine& engine, const tsdb::Storage& store,
             TimestampMs now)
    : store_(store), now_(now) {
  const bool keeps = std::any_of(ruleSet.rules.begin(), ruleSet.rules.end(),
                                 [](const Rule& rule) { return rule.keepFiringFor > 0; });
  if (ruleSet.memory) {
    memory_ = ruleSet.memory.get();
  } else if (!ruleSet.recordings.empty() || keeps) {
    scratch_ = std::make_unique<RoundMemory>();
    memory_ = scratch_.get();
  } else {
    return;
  }
  lock_ = std::unique_lock<std::mutex>(memory_->mutex);
  if (ruleSet.recordings.empty()) {
    return;
  }
  classify(ruleSet);
  prepareOverlay(ruleSet);
  mirror();
  record(ruleSet, engine);
}

const tsdb::Storage& Round::storageFor(const promql::Expr& expr) const {
  const auto it = reads_.find(&expr);
  if (it == reads_.end() || it->second.where == Where::kStore) {
    return store_;
  }
  return *memory_->overlay;
}

promql::IncrementalState* Round::incrementalFor(const tsdb::Storage& storage) const {
  if (memory_ == nullptr) {
    return nullptr;
  }
  return &storage == &store_ ? &memory_->storeWindows : &memory_->overlayWindows;
}

void Round::classify(const RuleSet& ruleSet) {
  for (const RecordingRule& rule : ruleSet.recordings) {
    recordedNames_.push_back(rule.record);
  }
  std::sort(recordedNames_.begin(), recordedNames_.end());
  const auto classifyOne = [&](const promql::Expr* expr) {
    if (expr == nullptr) {
      return;
    }
    Reads reads;
    const auto names = selectedMetricNames(*expr);
    if (!names) {
      // A selector without a fixed name may match recorded series as well as scraped ones.
      reads.where = Where::kOverlay;
      reads.recorded = recordedNames_;
      mirrorAll_ = true;
    } else {
      std::vector<std::string> scraped;
      for (const std::string& name : *names) {
        (contains(recordedNames_, name) ? reads.recorded : scraped).push_back(name);
      }
      if (!reads.recorded.empty()) {
        reads.where = Where::kOverlay;
        mirrorNames_.insert(mirrorNames_.end(), scraped.begin(), scraped.end());
      }
    }
    reads_[expr] = std::move(reads);
  };
  for (const RecordingRule& rule : ruleSet.recordings) {
    classifyOne(rule.parsedExpr.get());
  }
  for (const Rule& rule : ruleSet.rules) {
    classifyOne(rule.parsedExpr.get());
    classifyOne(rule.parsedGuard.get());
  }
  std::sort(mirrorNames_.begin(), mirrorNames_.end());
  mirrorNames_.erase(std::unique(mirrorNames_.begin(), mirrorNames_.end()), mirrorNames_.end());
}

void Round::prepareOverlay(const RuleSet& ruleSet) {
  RoundMemory& m = *memory_;
  const bool storeCleared = std::any_of(m.mirrored.begin(), m.mirrored.end(), [&](const auto& e) {
    return e.first >= store_.seriesCount();
  });
  if (m.overlay && m.store == &store_ && m.recorders.size() == ruleSet.recordings.size() &&
      !storeCleared) {
    return;
  }
  m.recorders.clear();
  m.mirrored.clear();
  m.overlay = std::make_unique<tsdb::Storage>(store_.limits());
  m.store = &store_;
  for (std::size_t i = 0; i < ruleSet.recordings.size(); ++i) {
    m.recorders.push_back(std::make_unique<tsdb::ScrapeAppender>(*m.overlay));
  }
}

void Round::mirror() {
  if (mirrorAll_) {
    store_.forEachSeries([&](tsdb::SeriesId id, const Labels& labels) {
      if (!contains(recordedNames_, labels.metricName())) {
        mirrorSeries(id);
      }
    });
    return;
  }
  for (const std::string& name : mirrorNames_) {
    for (tsdb::SeriesId id : store_.seriesWithName(name)) {
      mirrorSeries(id);
    }
  }
}

// Copies the samples of store series `id` the overlay does not have yet.
void Round::mirrorSeries(tsdb::SeriesId id) {
  RoundMemory& m = *memory_;
  auto [it, fresh] = m.mirrored.try_emplace(id);
  RoundMemory::Mirror& mirror = it->second;
  if (!fresh &&
      (mirror.storeGeneration != store_.generation(id) || mirror.id >= m.overlay->seriesCount() ||
       mirror.overlayGeneration != m.overlay->generation(mirror.id))) {
    mirror = {};  // a dropped series' id now names another series
    fresh = true;
  }
  if (fresh) {
    const auto target = m.overlay->getOrCreate(store_.labels(id));
    if (!target) {
      m.mirrored.erase(it);  // over the overlay's limits; the store's own limits apply first
      return;
    }
    mirror.id = *target;
    mirror.storeGeneration = store_.generation(id);
    mirror.overlayGeneration = m.overlay->generation(*target);
  }
  const auto samples = store_.samples(id);
  auto from = samples.begin();
  if (mirror.copied) {
    from = std::upper_bound(samples.begin(), samples.end(), mirror.copiedUntil,
                            [](TimestampMs t, const Sample& s) { return t < s.t; });
  }
  for (auto s = from; s != samples.end(); ++s) {
    m.overlay->append(mirror.id, s->t, s->v);
  }
  if (from != samples.end()) {
    mirror.copiedUntil = samples.back().t;
    mirror.copied = true;
  }
}

void Round::record(const RuleSet& ruleSet, const promql::Engine& engine) {
  // The store is not written during the round, so its results stay valid; the overlay is
  // written by every recording rule, so results over it are forgotten after each one.
  promql::EvalCache storeCache;
  promql::EvalCache overlayCache;
  for (std::size_t i = 0; i < ruleSet.recordings.size(); ++i) {
    const RecordingRule& rule = ruleSet.recordings[i];
    const bool readsOverlay = &storageFor(*rule.parsedExpr) != &store_;
    auto failure =
        recordOne(rule, *memory_->recorders[i], engine, readsOverlay ? overlayCache : storeCache);
    overlayCache.clear();
    if (failure) {
      failed_[rule.record] = std::move(*failure);
    }
  }
}

std::optional<std::string> Round::recordOne(const RecordingRule& rule,
                                            tsdb::ScrapeAppender& recorder,
                                            const promql::Engine& engine,
                                            promql::EvalCache& cache) {
  Result<promql::Value> value =
      engine.instant(*rule.parsedExpr, storageFor(*rule.parsedExpr), now_, cache);
  if (!value.ok()) {
    return value.error().message;
  }
  std::vector<std::pair<Labels, double>> series;
  if (const auto* scalar = std::get_if<promql::Scalar>(&*value)) {
    series.emplace_back(recordedLabels(Labels(), rule), scalar->v);
  } else if (const auto* vector = std::get_if<promql::Vector>(&*value)) {
    for (const promql::VectorSample& s : *vector) {
      series.emplace_back(recordedLabels(s.labels, rule), s.v);
    }
  } else {
    return "expression gives neither an instant vector nor a scalar";
  }
  std::sort(series.begin(), series.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (std::size_t i = 1; i < series.size(); ++i) {
    if (series[i].first == series[i - 1].first) {
      return "vector contains metrics with the same labelset after applying rule labels";
    }
  }
  recorder.begin(now_);
  // Not a structured binding: clang before 16 (the fuzzers' compiler) cannot capture one.
  for (const auto& entry : series) {
    const auto& labels = entry.first;
    recorder.add(
        labels.toString(), [&] { return labels; }, entry.second);
  }
  recorder.commit();
  return std::nullopt;
}

}  // namespace nova::rules::detail
