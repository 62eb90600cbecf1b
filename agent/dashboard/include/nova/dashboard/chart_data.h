#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "nova/core/labels.h"
#include "nova/core/time.h"
#include "nova/dashboard/chart_spec.h"
#include "nova/dashboard/units.h"
#include "nova/policy/timeline.h"
#include "nova/promql/engine.h"
#include "nova/tsdb/storage.h"

namespace nova::dashboard {

/// The regular time grid every series of a chart is aligned to: point i is at
/// start + i * step and stands for the interval (at - step, at].
struct TimeAxis {
  TimestampMs start = 0;
  DurationMs step = kSecond;
  std::size_t count = 0;

  TimestampMs at(std::size_t i) const { return start + static_cast<TimestampMs>(i) * step; }
  TimestampMs end() const { return count == 0 ? start : at(count - 1); }
};

/// One plotted line: a value per axis point, NaN where the query gave none.
struct SeriesData {
  /// "all" for the aggregate; the group label's value for a target ("green-7d9f-abc").
  std::string name;
  bool aggregate = false;
  std::vector<double> values;
};

/// An interval where the chart's rule breached (both ends are axis points it breached at).
struct BreachPeriod {
  TimestampMs from = 0;
  TimestampMs to = 0;
  friend bool operator==(const BreachPeriod&, const BreachPeriod&) = default;
};

/// A moment worth a vertical line on every chart.
struct Marker {
  enum class Kind { kSwitch, kIncident, kPage, kHold, kRollback, kRolledBack, kResolved };
  TimestampMs at = 0;
  Kind kind = Kind::kSwitch;
  /// Short text for the line ("rollback decided", "traffic to green").
  std::string label;
};

/// "switch", "incident", "page", "hold", "rollback", "rolled_back", "resolved".
std::string_view markerKindName(Marker::Kind kind);

/// The decision moments of a timeline: the traffic switch (when known), incidents opened
/// and resolved, pages, holds, rollbacks decided (automatic or forced) and completed.
std::vector<Marker> markersFrom(std::span<const policy::TimelineEvent> timeline,
                                std::optional<TimestampMs> trafficSwitchedAt);

/// Everything one chart shows: what the page draws and the report renders as SVG.
struct ChartData {
  std::string id;
  std::string title;
  std::string caption;
  Unit unit = Unit::kNone;
  TimeAxis axis;
  /// The aggregate first, then one series per target (by name), at most
  /// CollectOptions::maxTargets of them.
  std::vector<SeriesData> series;
  /// Targets beyond maxTargets, not included.
  std::size_t omittedTargets = 0;
  std::optional<rules::Threshold> threshold;
  /// The moving threshold line, when the chart has one.
  std::optional<SeriesData> thresholdLine;
  /// The rule whose breaches are shaded ("" for none) and its breach periods.
  std::string rule;
  std::vector<BreachPeriod> breaches;
  /// Why a query failed ("" when all ran); the chart shows what did run.
  std::string error;
};

/// What to collect: the window, its resolution, and the bounds on the result's size.
struct CollectOptions {
  /// The window ends here (ms); it is aligned down to the output step so consecutive
  /// documents share their points.
  TimestampMs end = 0;
  DurationMs window = 15 * kMinute;
  /// Evaluation step (ms): the scrape interval is the finest that means anything.
  DurationMs resolution = kSecond;
  /// Points per series at most; more are reduced bucket by bucket, each bucket keeping its
  /// worst value (ChartSpec::worse), so a breach never disappears from the picture.
  std::size_t maxPoints = 300;
  /// Per-target series per chart at most (by name order).
  std::size_t maxTargets = 10;
};

/// Evaluates every chart of `specs` over `storage`: the aggregate, the per-target series,
/// the moving threshold line, and the bound rule's breach periods (its expression and
/// guard at every resolution step, breaching where the guard holds and the threshold is
/// passed), all at `options.resolution` over the window, then reduced to maxPoints.
/// A failing query leaves its series out and says why in ChartData::error.
/// Reads `storage` only; it must not be written during the call. Pure; never throws.
std::vector<ChartData> collectCharts(std::span<const ChartSpec> specs, const promql::Engine& engine,
                                     const tsdb::Storage& storage, const CollectOptions& options);

/// `values` reduced to ceil(size / factor) points, bucket i keeping the worst of
/// values[i*factor, (i+1)*factor) and NaN only when all of them are NaN. Pure.
std::vector<double> reduceWorst(std::span<const double> values, std::size_t factor, Worse worse);

}  // namespace nova::dashboard
