// Evaluates the charts' queries over the store at full resolution, then reduces them to
// the page's point budget.

#include <algorithm>
#include <cmath>
#include <map>

#include "nova/dashboard/chart_data.h"

namespace nova::dashboard {
namespace {

// The fine grid the queries run on and the coarse one the document carries.
struct Grid {
  TimeAxis fine;
  TimeAxis coarse;
  std::size_t factor = 1;
};

Grid gridFor(const CollectOptions& o) {
  Grid g;
  const DurationMs resolution = std::max<DurationMs>(o.resolution, 1);
  const std::size_t finePoints =
      static_cast<std::size_t>(std::max<DurationMs>(o.window / resolution, 1));
  const std::size_t maxPoints = std::max<std::size_t>(o.maxPoints, 1);
  g.factor = (finePoints + maxPoints - 1) / maxPoints;
  const DurationMs step = resolution * static_cast<DurationMs>(g.factor);
  const TimestampMs end = (o.end / step) * step;
  g.coarse.step = step;
  g.coarse.count = finePoints / g.factor;
  g.coarse.start = end - static_cast<TimestampMs>(g.coarse.count - 1) * step;
  g.fine.step = resolution;
  g.fine.count = g.coarse.count * g.factor;
  g.fine.start = g.coarse.start - static_cast<TimestampMs>(g.factor - 1) * resolution;
  return g;
}

// Range results by printed expression, so a query shared by a chart and its rule (or by
// two charts) runs once per document.
class QueryRunner {
 public:
  QueryRunner(const promql::Engine& engine, const tsdb::Storage& storage, const TimeAxis& fine)
      : engine_(engine), storage_(storage), fine_(fine) {}

  const Result<promql::Matrix>& run(const promql::Expr& expr) {
    const std::string key = promql::toString(expr);
    auto it = results_.find(key);
    if (it == results_.end()) {
      it =
          results_.emplace(key, engine_.range(expr, storage_, fine_.start, fine_.end(), fine_.step))
              .first;
    }
    return it->second;
  }

  // One series' points on the fine grid, NaN where it has none.
  std::vector<double> aligned(const promql::Series& series) const {
    std::vector<double> out(fine_.count, std::nan(""));
    for (const Sample& p : series.points) {
      const TimestampMs offset = p.t - fine_.start;
      if (offset >= 0 && offset % fine_.step == 0) {
        const auto i = static_cast<std::size_t>(offset / fine_.step);
        if (i < out.size()) {
          out[i] = p.v;
        }
      }
    }
    return out;
  }

 private:
  const promql::Engine& engine_;
  const tsdb::Storage& storage_;
  TimeAxis fine_;
  std::map<std::string, Result<promql::Matrix>> results_;
};

std::string seriesName(const Labels& labels, const std::string& groupLabel) {
  if (!groupLabel.empty() && labels.has(groupLabel)) {
    return std::string(labels.get(groupLabel));
  }
  return labels.empty() ? "all" : labels.toString();
}

void noteError(ChartData& chart, const std::string& what, const Error& e) {
  if (chart.error.empty()) {
    chart.error = what + ": " + e.message;
  }
}

// At which fine steps the rule breaches: its guard holds and some sample passes.
std::vector<bool> breachingSteps(const ChartSpec& spec, QueryRunner& runner, std::size_t count,
                                 ChartData& chart) {
  std::vector<bool> breaching(count, false);
  const auto& values = runner.run(*spec.breachExpr);
  if (!values.ok()) {
    noteError(chart, "rule " + spec.rule, values.error());
    return breaching;
  }
  for (const promql::Series& s : *values) {
    const std::vector<double> v = runner.aligned(s);
    for (std::size_t i = 0; i < count; ++i) {
      breaching[i] = breaching[i] || spec.breachThreshold.breaches(v[i]);
    }
  }
  if (!spec.breachGuard) {
    return breaching;
  }
  std::vector<bool> guarded(count, false);
  const auto& guard = runner.run(*spec.breachGuard);
  if (!guard.ok()) {
    noteError(chart, "guard of rule " + spec.rule, guard.error());
    return guarded;
  }
  for (const promql::Series& s : *guard) {
    const std::vector<double> v = runner.aligned(s);
    for (std::size_t i = 0; i < count; ++i) {
      guarded[i] = guarded[i] || (!std::isnan(v[i]) && v[i] != 0);
    }
  }
  for (std::size_t i = 0; i < count; ++i) {
    breaching[i] = breaching[i] && guarded[i];
  }
  return breaching;
}

std::vector<BreachPeriod> periods(const std::vector<bool>& breaching, const TimeAxis& fine) {
  std::vector<BreachPeriod> out;
  for (std::size_t i = 0; i < breaching.size(); ++i) {
    if (!breaching[i]) {
      continue;
    }
    if (i > 0 && breaching[i - 1]) {
      out.back().to = fine.at(i);
    } else {
      out.push_back({fine.at(i), fine.at(i)});
    }
  }
  return out;
}

Worse opposite(Worse w) {
  return w == Worse::kHigher ? Worse::kLower : Worse::kHigher;
}

ChartData collectOne(const ChartSpec& spec, QueryRunner& runner, const Grid& grid,
                     const CollectOptions& options) {
  ChartData chart;
  chart.id = spec.id;
  chart.title = spec.title;
  chart.caption = spec.caption;
  chart.unit = spec.unit;
  chart.axis = grid.coarse;
  chart.threshold = spec.threshold;
  chart.rule = spec.rule;
  auto reduce = [&](const promql::Series& s, Worse worse) {
    return reduceWorst(runner.aligned(s), grid.factor, worse);
  };

  if (const auto& total = runner.run(*spec.parsedQuery); total.ok()) {
    for (const promql::Series& s : *total) {
      chart.series.push_back({seriesName(s.labels, ""), true, reduce(s, spec.worse)});
    }
  } else {
    noteError(chart, "query", total.error());
  }
  if (const auto& perTarget = runner.run(*spec.parsedPerTarget); perTarget.ok()) {
    std::map<std::string, const promql::Series*> byName;
    for (const promql::Series& s : *perTarget) {
      byName.emplace(seriesName(s.labels, spec.groupLabel), &s);
    }
    // One target is the aggregate already; per-target lines help only from two on.
    if (byName.size() >= 2) {
      std::size_t kept = 0;
      for (const auto& [name, s] : byName) {
        if (kept++ == options.maxTargets) {
          chart.omittedTargets = byName.size() - options.maxTargets;
          break;
        }
        chart.series.push_back({name, false, reduce(*s, spec.worse)});
      }
    }
  } else {
    noteError(chart, "per-target query", perTarget.error());
  }
  if (spec.parsedThresholdQuery) {
    const auto& line = runner.run(*spec.parsedThresholdQuery);
    if (line.ok() && !line->empty()) {
      chart.thresholdLine =
          SeriesData{"threshold", false, reduce(line->front(), opposite(spec.worse))};
    } else if (!line.ok()) {
      noteError(chart, "threshold query", line.error());
    }
  }
  if (spec.breachExpr) {
    chart.breaches = periods(breachingSteps(spec, runner, grid.fine.count, chart), grid.fine);
  }
  return chart;
}

}  // namespace

std::vector<ChartData> collectCharts(std::span<const ChartSpec> specs, const promql::Engine& engine,
                                     const tsdb::Storage& storage, const CollectOptions& options) {
  const Grid grid = gridFor(options);
  QueryRunner runner(engine, storage, grid.fine);
  std::vector<ChartData> out;
  out.reserve(specs.size());
  for (const ChartSpec& spec : specs) {
    out.push_back(collectOne(spec, runner, grid, options));
  }
  return out;
}

}  // namespace nova::dashboard
