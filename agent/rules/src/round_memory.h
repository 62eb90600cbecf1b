#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "nova/core/time.h"
#include "nova/promql/engine.h"
#include "nova/promql/incremental.h"
#include "nova/rules/evaluator.h"
#include "nova/rules/loader.h"
#include "nova/tsdb/scrape_appender.h"
#include "nova/tsdb/storage.h"

namespace nova::rules::detail {

/// What a rule set's evaluation rounds remember from one call of evaluateRules to the next.
///
/// Recorded series live in an overlay: a Storage of their own, beside the store the rules
/// read, with the store's limits (so the same retention). An expression that selects only
/// recorded names reads the overlay, one that selects none reads the store, and one that
/// may select both (a mix of names, or a selector without a fixed name) reads the overlay,
/// into which the store series it needs are mirrored, new samples only, at each round.
/// The store is never written.
class RoundMemory {
 public:
  /// Held for a whole round: one round at a time.
  std::mutex mutex;

  /// The store the overlay was built beside; rounds over another store start afresh.
  const tsdb::Storage* store = nullptr;
  std::unique_ptr<tsdb::Storage> overlay;
  /// One appender per recording rule, so a series a rule no longer gives goes stale.
  std::vector<std::unique_ptr<tsdb::ScrapeAppender>> recorders;
  /// A mirrored store series: its overlay id and the newest sample copied. The generations
  /// tell when either store dropped its series (idle) and gave the id to another.
  struct Mirror {
    tsdb::SeriesId id = 0;
    std::uint32_t storeGeneration = 0;
    std::uint32_t overlayGeneration = 0;
    TimestampMs copiedUntil = 0;
    bool copied = false;
  };
  std::unordered_map<tsdb::SeriesId, Mirror> mirrored;

  /// keep_firing_for, per rule name: the current breach and the last breaching result.
  struct Firing {
    std::optional<TimestampMs> breachingSince;
    TimestampMs lastBreach = 0;
    std::optional<TimestampMs> quietSince;
    RuleEvaluation last;
  };
  std::map<std::string, Firing, std::less<>> firing;

  /// Rules whose guard has returned data at least once since the set was loaded. A guard
  /// that never has (its metric has not appeared yet) means not enough traffic to judge; one
  /// that had data and lost it means no data (unknown).
  std::set<std::string, std::less<>> guardSeen;

  /// Series lists and running windows over the store and over the overlay, carried from
  /// round to round (each starts afresh when its storage's layout changes).
  promql::IncrementalState storeWindows;
  promql::IncrementalState overlayWindows;
};

std::shared_ptr<RoundMemory> newRoundMemory();

/// One call of evaluateRules over a set with memory, recording rules or keep_firing_for: records
/// the recording rules in order at `now` (each sees those before it), then tells each
/// rule's expressions where to read and completes their results. Holds the set's memory
/// for its lifetime; a set without memory gets a fresh one, so its recorded series are
/// visible within the round only. For any other set it only passes the store through.
class Round {
 public:
  Round(const RuleSet& ruleSet, const promql::Engine& engine, const tsdb::Storage& store,
        TimestampMs now);
  Round(const Round&) = delete;
  Round& operator=(const Round&) = delete;

  /// The storage `expr` (an expression of the set) is evaluated over.
  const tsdb::Storage& storageFor(const promql::Expr& expr) const;

  /// The running state for expressions over `storage` (the store or the overlay), or null
  /// for a set without memory.
  promql::IncrementalState* incrementalFor(const tsdb::Storage& storage) const;

  /// Notes that the rule's guard returned data this round.
  void guardHadData(const Rule& rule);
  /// True when the set remembers its guards and the rule's never returned data; false for
  /// a set without memory (its guards' history is unknown).
  bool guardNeverHadData(const Rule& rule) const;

  /// Applies the rule's keep_firing_for to its result, and names the recording rule whose
  /// failure left it without data.
  RuleEvaluation finish(const Rule& rule, RuleEvaluation result);

 private:
  enum class Where { kStore, kOverlay };
  struct Reads {
    Where where = Where::kStore;
    std::vector<std::string> recorded;  // recorded names it selects
  };

  void classify(const RuleSet& ruleSet);
  void prepareOverlay(const RuleSet& ruleSet);
  void mirror();
  void mirrorSeries(tsdb::SeriesId id);
  void record(const RuleSet& ruleSet, const promql::Engine& engine);
  std::optional<std::string> recordOne(const RecordingRule& rule, tsdb::ScrapeAppender& recorder,
                                       const promql::Engine& engine, promql::EvalCache& cache);
  RuleEvaluation keepFiring(const Rule& rule, RuleEvaluation result);

  const tsdb::Storage& store_;
  const TimestampMs now_;
  std::unique_ptr<RoundMemory> scratch_;
  RoundMemory* memory_ = nullptr;
  std::unique_lock<std::mutex> lock_;
  std::unordered_map<const promql::Expr*, Reads> reads_;
  std::vector<std::string> recordedNames_;
  std::vector<std::string> mirrorNames_;
  bool mirrorAll_ = false;
  /// Recording rules that failed this round: record name -> why.
  std::map<std::string, std::string, std::less<>> failed_;
};

}  // namespace nova::rules::detail
