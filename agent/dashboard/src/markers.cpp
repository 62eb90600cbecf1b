#include "nova/dashboard/chart_data.h"

namespace nova::dashboard {

std::string_view markerKindName(Marker::Kind kind) {
  switch (kind) {
    case Marker::Kind::kSwitch:
      return "switch";
    case Marker::Kind::kIncident:
      return "incident";
    case Marker::Kind::kPage:
      return "page";
    case Marker::Kind::kHold:
      return "hold";
    case Marker::Kind::kRollback:
      return "rollback";
    case Marker::Kind::kRolledBack:
      return "rolled_back";
    case Marker::Kind::kResolved:
      return "resolved";
  }
  return "";
}

std::vector<Marker> markersFrom(std::span<const policy::TimelineEvent> timeline,
                                std::optional<TimestampMs> trafficSwitchedAt) {
  using policy::EventKind;
  std::vector<Marker> out;
  if (trafficSwitchedAt) {
    out.push_back({*trafficSwitchedAt, Marker::Kind::kSwitch, "traffic to green"});
  }
  for (const policy::TimelineEvent& e : timeline) {
    switch (e.kind) {
      case EventKind::kIncidentOpened:
        out.push_back({e.at, Marker::Kind::kIncident, "incident opened"});
        break;
      case EventKind::kPage:
        out.push_back({e.at, Marker::Kind::kPage, "paged"});
        break;
      case EventKind::kHold:
        out.push_back({e.at, Marker::Kind::kHold, "hold"});
        break;
      case EventKind::kRollbackDecided:
        out.push_back({e.at, Marker::Kind::kRollback, "rollback decided"});
        break;
      case EventKind::kForcedRollback:
        out.push_back({e.at, Marker::Kind::kRollback, "rollback forced"});
        break;
      case EventKind::kRollbackCompleted:
        out.push_back({e.at, Marker::Kind::kRolledBack, "traffic on blue"});
        break;
      case EventKind::kIncidentResolved:
        out.push_back({e.at, Marker::Kind::kResolved, "resolved"});
        break;
      default:
        break;
    }
  }
  return out;
}

}  // namespace nova::dashboard
