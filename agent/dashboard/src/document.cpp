#include "nova/dashboard/document.h"

#include <boost/json.hpp>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace nova::dashboard {
namespace {

namespace json = boost::json;

json::value number(double v) {
  if (std::isnan(v) || std::isinf(v)) {
    return nullptr;  // JSON has no NaN: null means "no value"
  }
  return v;
}

// Four significant digits: what a chart can show, at half the bytes.
json::value rounded(double v) {
  if (std::isnan(v) || std::isinf(v)) {
    return nullptr;
  }
  if (v == std::trunc(v) && std::abs(v) < 1e15) {
    return static_cast<std::int64_t>(v);
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return std::strtod(buf, nullptr);
}

template <typename T>
json::value optional(const std::optional<T>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

json::array values(const std::vector<double>& v) {
  json::array out;
  out.reserve(v.size());
  for (double x : v) {
    out.push_back(rounded(x));
  }
  return out;
}

json::object chart(const ChartData& c) {
  json::array series;
  for (const SeriesData& s : c.series) {
    series.push_back(
        json::object{{"name", s.name}, {"aggregate", s.aggregate}, {"values", values(s.values)}});
  }
  json::array breaches;
  for (const BreachPeriod& b : c.breaches) {
    breaches.push_back(json::object{{"from", b.from}, {"to", b.to}});
  }
  json::value threshold = nullptr;
  if (c.threshold) {
    threshold = json::object{{"op", rules::toString(c.threshold->op)},
                             {"value", number(c.threshold->value)},
                             {"text", formatThreshold(*c.threshold, c.unit)}};
  }
  json::value line = nullptr;
  if (c.thresholdLine) {
    line =
        json::object{{"name", c.thresholdLine->name}, {"values", values(c.thresholdLine->values)}};
  }
  return {{"id", c.id},
          {"title", c.title},
          {"caption", c.caption},
          {"unit", unitName(c.unit)},
          {"axis", {{"start", c.axis.start}, {"step", c.axis.step}, {"count", c.axis.count}}},
          {"series", std::move(series)},
          {"omitted_targets", c.omittedTargets},
          {"threshold", std::move(threshold)},
          {"threshold_line", std::move(line)},
          {"rule", c.rule},
          {"breaches", std::move(breaches)},
          {"error", c.error}};
}

json::object rule(const RuleView& r) {
  return {{"name", r.name},
          {"severity", toString(r.severity)},
          {"state", ruleStateName(r.state)},
          {"value", number(r.value)},
          {"value_text", formatValue(r.value, r.unit)},
          {"unit", unitName(r.unit)},
          {"threshold", r.threshold.toString()},
          {"threshold_text", formatThreshold(r.threshold, r.unit)},
          {"for_ms", r.forDuration},
          {"since", optional(r.since)},
          {"summary", r.summary},
          {"reason", r.reason}};
}

json::value incident(const DocumentInputs& in) {
  if (!in.incident) {
    return nullptr;
  }
  const policy::Incident& i = *in.incident;
  json::array rules;
  for (const policy::IncidentRule& r : i.rules) {
    rules.push_back({{"name", r.name},
                     {"severity", toString(r.severity)},
                     {"firing", r.firing},
                     {"value", number(r.value)},
                     {"summary", r.summary}});
  }
  json::value next = nullptr;
  if (in.nextStep) {
    const NextStep& n = *in.nextStep;
    next = json::object{
        {"action", policy::toString(n.action)},
        {"due_at", optional(n.dueAt)},
        {"due_in_ms",
         n.dueAt ? json::value(std::max<TimestampMs>(*n.dueAt - in.now, 0)) : json::value(nullptr)},
        {"condition", n.condition}};
  }
  return json::object{{"id", i.id},
                      {"severity", toString(i.severity)},
                      {"current", toString(i.current)},
                      {"state", policy::toString(i.state)},
                      {"started_at", i.startedAt},
                      {"rollback_at", optional(i.rollbackAt)},
                      {"resolved_at", optional(i.resolvedAt)},
                      {"rules", std::move(rules)},
                      {"next_step", std::move(next)}};
}

template <typename T, typename F>
json::array newest(const std::vector<T>& items, std::size_t limit, F&& toJson) {
  json::array out;
  const std::size_t from = items.size() > limit ? items.size() - limit : 0;
  for (std::size_t i = from; i < items.size(); ++i) {
    out.push_back(toJson(items[i]));
  }
  return out;
}

}  // namespace

std::string buildDocument(std::span<const ChartData> charts, const DocumentInputs& in,
                          const DocumentLimits& limits) {
  json::array ruleList;
  for (const RuleView& r : in.rules) {
    ruleList.push_back(rule(r));
  }
  json::value hold = nullptr;
  if (in.hold) {
    hold = json::object{{"who", in.hold->who},
                        {"reason", in.hold->reason},
                        {"since", in.hold->since},
                        {"until", in.hold->until}};
  }
  json::array markers;
  for (const Marker& m : in.markers) {
    markers.push_back({{"at", m.at}, {"kind", markerKindName(m.kind)}, {"label", m.label}});
  }
  json::array chartList;
  for (const ChartData& c : charts) {
    chartList.push_back(chart(c));
  }
  json::object doc{
      {"version", 1},
      {"generated_at", in.now},
      {"rollout",
       {{"id", in.rollout.id},
        {"version", in.rollout.version},
        {"blue_version", in.rollout.blueVersion},
        {"phase", in.rollout.phase}}},
      {"traffic",
       {{"backend", in.traffic.backend},
        {"detail", in.traffic.detail},
        {"switched_at", optional(in.traffic.switchedAt)}}},
      {"rules", std::move(ruleList)},
      {"incident", incident(in)},
      {"hold", std::move(hold)},
      {"commands_enabled", in.commandsEnabled},
      {"commands", newest(in.commands, limits.maxCommands,
                          [](const CommandRecord& c) {
                            return json::object{{"at", c.at},
                                                {"who", c.who},
                                                {"command", c.command},
                                                {"accepted", c.accepted},
                                                {"detail", c.detail}};
                          })},
      {"timeline", newest(in.timeline, limits.maxTimeline,
                          [](const policy::TimelineEvent& e) {
                            return json::object{{"at", e.at},
                                                {"kind", policy::toString(e.kind)},
                                                {"rule", e.rule},
                                                {"detail", e.detail}};
                          })},
      {"markers", std::move(markers)},
      {"charts", std::move(chartList)},
  };
  return json::serialize(doc);
}

std::string buildDashboardDocument(std::span<const ChartSpec> specs, const promql::Engine& engine,
                                   const tsdb::Storage& storage, const CollectOptions& options,
                                   const DocumentInputs& inputs, const DocumentLimits& limits) {
  const std::vector<ChartData> charts = collectCharts(specs, engine, storage, options);
  return buildDocument(charts, inputs, limits);
}

}  // namespace nova::dashboard
