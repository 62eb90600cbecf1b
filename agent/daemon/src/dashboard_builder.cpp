#include "dashboard_builder.h"

#include <algorithm>

#include "nova/dashboard/document.h"
#include "nova/rules/selected_names.h"

namespace nova::daemon::detail {

Status DashboardBuilder::setRules(const rules::RuleSet& ruleSet) {
  auto charts = dashboard::chartSpecs(ruleSet);
  if (charts.ok()) {
    charts_ = std::move(charts).value();
    return {};
  }
  // The runbook's charts need no rule; an empty set always gives them.
  auto unbound = dashboard::chartSpecs(rules::RuleSet{});
  charts_ = unbound.ok() ? std::move(unbound).value() : std::vector<dashboard::ChartSpec>{};
  return charts.error();
}

std::optional<std::vector<std::string>> DashboardBuilder::selectedMetricNames() const {
  std::vector<std::string> names;
  for (const dashboard::ChartSpec& chart : charts_) {
    for (const auto& expr : {chart.parsedQuery, chart.parsedPerTarget, chart.parsedThresholdQuery,
                             chart.breachExpr, chart.breachGuard}) {
      if (expr == nullptr) {
        continue;
      }
      auto selected = rules::selectedMetricNames(*expr);
      if (!selected) {
        return std::nullopt;
      }
      names.insert(names.end(), selected->begin(), selected->end());
    }
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

std::string DashboardBuilder::build(const Controller& controller, const tsdb::Storage& storage,
                                    TimestampMs now) const {
  dashboard::CollectOptions collect;
  return build(controller, storage, now, {now - collect.window, now});
}

std::string DashboardBuilder::build(const Controller& controller, const tsdb::Storage& storage,
                                    TimestampMs now, const dashboard::ChartRange& range) const {
  dashboard::DocumentInputs inputs = controller.dashboardInputs(now);
  inputs.traffic.detail = settings_.trafficDetail;
  inputs.commandsEnabled = settings_.commandsEnabled;
  dashboard::CollectOptions collect;
  collect.window = std::max<DurationMs>(range.to - range.from, kSecond);
  collect.resolution = std::max(settings_.resolution, kSecond);
  // The axis is aligned down to its output step (collectCharts); ending it one step later
  // keeps the range's last instant, where a rollback's markers sit, on the chart.
  const auto points =
      static_cast<std::size_t>(std::max<DurationMs>(collect.window / collect.resolution, 1));
  const auto factor = static_cast<DurationMs>((points + collect.maxPoints - 1) / collect.maxPoints);
  collect.end = range.to + collect.resolution * factor - 1;
  return dashboard::buildDashboardDocument(charts_, engine_, storage, collect, inputs);
}

}  // namespace nova::daemon::detail
