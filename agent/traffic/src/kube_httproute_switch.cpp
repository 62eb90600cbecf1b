#include "nova/traffic/kube_httproute_switch.h"

#include "kube_json.h"

namespace nova::traffic {

namespace json = boost::json;

namespace {

struct Refs {
  std::size_t blue = 0;
  std::size_t green = 0;
  std::int64_t blueWeight = 1;
  std::int64_t greenWeight = 1;
};

// A backendRef's weight; absent means 1 (the Gateway API default).
std::int64_t weightOf(const json::value& ref) {
  auto weight = detail::asCount(detail::find(ref, "/weight"));
  return weight.value_or(1);
}

std::string refsPointer(int rule) {
  return "/spec/rules/" + std::to_string(rule) + "/backendRefs";
}

}  // namespace

KubeHttpRouteSwitch::KubeHttpRouteSwitch(std::unique_ptr<kube::Client> client, KubeTarget target,
                                         HttpRouteSwitchSettings settings)
    : KubeObjectSwitch(std::move(client), std::move(target)), settings_(std::move(settings)) {}

namespace {

Result<Refs> findRefs(const json::value& object, const HttpRouteSwitchSettings& s,
                      const std::string& who) {
  const json::value* list = detail::find(object, refsPointer(s.rule));
  const std::string where = "rules[" + std::to_string(s.rule) + "].backendRefs";
  if (list == nullptr || !list->is_array()) {
    return Error(ErrorCode::kInvalidInput, who + " has no " + where);
  }
  Refs refs;
  bool blue = false;
  bool green = false;
  const auto& array = list->get_array();
  for (std::size_t i = 0; i < array.size(); ++i) {
    const std::string name = detail::stringAt(array[i], "/name");
    if (name == s.blueService) {
      refs.blue = i;
      refs.blueWeight = weightOf(array[i]);
      blue = true;
    } else if (name == s.greenService) {
      refs.green = i;
      refs.greenWeight = weightOf(array[i]);
      green = true;
    }
  }
  if (!blue || !green) {
    return Error(ErrorCode::kInvalidInput, who + ": " + where + " lacks the " +
                                               (blue ? "green" : "blue") + " backend (\"" +
                                               (blue ? s.greenService : s.blueService) + "\")");
  }
  return refs;
}

}  // namespace

Result<TrafficState> KubeHttpRouteSwitch::classify(const json::value& object) const {
  auto refs = findRefs(object, settings_, name());
  if (!refs.ok()) {
    return refs.error();
  }
  TrafficState state;
  state.detail = "weights blue " + std::to_string(refs->blueWeight) + " / green " +
                 std::to_string(refs->greenWeight);
  const bool atTarget =
      refs->blueWeight == settings_.blueWeight && refs->greenWeight == settings_.greenWeight;
  if (refs->greenWeight == 0 || atTarget) {
    state.backend = TrafficState::Backend::kBlue;
  } else if (refs->blueWeight == 0) {
    state.backend = TrafficState::Backend::kGreen;
  }
  return state;
}

json::array KubeHttpRouteSwitch::flipOps(const json::value& object) const {
  const std::string list = refsPointer(settings_.rule);
  auto refs = findRefs(object, settings_, name());
  // classify() accepted the object, so the refs are there.
  const json::value* current = detail::find(object, list);
  json::array ops{json::object{{"op", "test"}, {"path", list}, {"value", *current}}};
  auto set = [&](std::size_t index, std::int64_t weight) {
    ops.push_back(json::object{{"op", "add"},
                               {"path", list + "/" + std::to_string(index) + "/weight"},
                               {"value", weight}});
  };
  set(refs->blue, settings_.blueWeight);
  set(refs->green, settings_.greenWeight);
  return ops;
}

Result<std::vector<BackendMove>> KubeHttpRouteSwitch::greenMoves(const json::value& object) const {
  // The whole list is tested and replaced, as the rollback does: any concurrent change to
  // names, order or weights fails the patch.
  auto move = weightMove(object, 100);
  if (!move.ok()) {
    return move.error();
  }
  return std::vector<BackendMove>{std::move(*move)};
}

Result<BackendMove> KubeHttpRouteSwitch::weightMove(const json::value& object,
                                                    std::int64_t greenWeight) const {
  auto refs = findRefs(object, settings_, name());
  if (!refs.ok()) {
    return refs.error();
  }
  const std::string list = refsPointer(settings_.rule);
  const json::value* current = detail::find(object, list);
  json::value next = *current;
  next.as_array()[refs->blue].as_object()["weight"] = 100 - greenWeight;
  next.as_array()[refs->green].as_object()["weight"] = greenWeight;
  return BackendMove{list, *current, std::move(next)};
}

}  // namespace nova::traffic

namespace nova::traffic {

Result<GreenWeight> KubeHttpRouteSwitch::weightIn(const json::value& object) const {
  auto refs = findRefs(object, settings_, name());
  if (!refs.ok()) {
    return refs.error();
  }
  const std::int64_t total = refs->blueWeight + refs->greenWeight;
  if (total <= 0) {
    return Error(ErrorCode::kInvalidInput,
                 name() + ": blue's and green's weights are both 0; no traffic flows");
  }
  return GreenWeight{refs->greenWeight * 100 / total,
                     "weights blue " + std::to_string(refs->blueWeight) + " / green " +
                         std::to_string(refs->greenWeight)};
}

Result<json::array> KubeHttpRouteSwitch::weightOps(const json::value& object,
                                                   std::int64_t weight) const {
  auto move = weightMove(object, weight);
  if (!move.ok()) {
    return move.error();
  }
  return json::array{
      json::object{{"op", "test"}, {"path", move->path}, {"value", std::move(move->expected)}},
      json::object{{"op", "replace"}, {"path", move->path}, {"value", std::move(move->value)}}};
}

}  // namespace nova::traffic
