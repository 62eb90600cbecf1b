// The escalator's state as versioned JSON (schema in escalator.h), so a restarted agent
// continues where it was: pending `for` timers, investigation windows, holds, incident id.

#include <boost/json.hpp>
#include <cmath>
#include <limits>

#include "escalator_impl.h"

namespace nova::policy {
namespace {

namespace json = boost::json;

constexpr std::string_view kPhaseNames[] = {"ok", "pending", "firing"};

json::value optionalTime(const std::optional<TimestampMs>& t) {
  return t ? json::value(*t) : json::value(nullptr);
}

json::object ruleToJson(const detail::RuleTrack& track) {
  return {
      {"name", track.spec.name},
      {"phase", kPhaseNames[static_cast<int>(track.phase)]},
      {"since", track.since},
      {"severity", toString(track.severity)},
      {"value", std::isfinite(track.value) ? json::value(track.value) : json::value(nullptr)},
      {"summary", track.summary},
  };
}

json::object incidentToJson(const detail::OpenIncident& open) {
  json::array members;
  for (const std::string& member : open.members) {
    members.emplace_back(member);
  }
  json::array levels;
  for (const detail::Level& level : open.levels) {
    levels.push_back(json::object{{"severity", toString(level.severity)},
                                  {"engagedAt", level.engagedAt},
                                  {"afterDone", level.afterDone},
                                  {"endedNoted", level.endedNoted}});
  }
  return {
      {"id", open.id},
      {"startedAt", open.startedAt},
      {"severity", toString(open.peak)},
      {"clearSince", optionalTime(open.clearSince)},
      {"paged", open.paged},
      {"windowNoted", open.windowNoted},
      {"windowCriticalNoted", open.windowCriticalNoted},
      {"rollbackAt", optionalTime(open.rollbackAt)},
      {"rolledBack", open.rolledBack},
      {"members", std::move(members)},
      {"levels", std::move(levels)},
  };
}

}  // namespace

std::string Escalator::snapshot() const {
  const Impl& s = *impl_;
  json::array rules;
  for (const detail::RuleTrack& track : s.rules) {
    rules.push_back(ruleToJson(track));
  }
  json::value hold = nullptr;
  if (s.hold) {
    hold = json::object{{"who", s.hold->hold.who},
                        {"reason", s.hold->hold.reason},
                        {"since", s.hold->hold.since},
                        {"until", s.hold->hold.until},
                        {"suppressedNoted", s.hold->suppressedNoted},
                        {"covers", toString(s.hold->hold.covers)},
                        {"criticalNoted", s.hold->criticalNoted}};
  }
  const json::object root{
      {"version", detail::kSnapshotVersion},
      {"switchedAt", s.switchedAt},
      {"lastNow", optionalTime(s.lastNow)},
      {"incidents", s.incidents},
      {"windowNoted", s.windowNoted},
      {"lastResolvedAt", optionalTime(s.lastResolvedAt)},
      {"rollbackDecided", s.rollbackDecided},
      {"rules", std::move(rules)},
      {"hold", std::move(hold)},
      {"incident", s.incident ? json::value(incidentToJson(*s.incident)) : json::value(nullptr)},
  };
  return json::serialize(root);
}

}  // namespace nova::policy
