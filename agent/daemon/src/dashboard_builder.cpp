#include "dashboard_builder.h"

#include <algorithm>

#include "nova/dashboard/document.h"

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
  collect.end = range.to;
  collect.window = std::max<DurationMs>(range.to - range.from, kSecond);
  collect.resolution = std::max(settings_.resolution, kSecond);
  return dashboard::buildDashboardDocument(charts_, engine_, storage, collect, inputs);
}

}  // namespace nova::daemon::detail
