#include "nova/traffic/kube_ingress_switch.h"

#include "kube_json.h"

namespace nova::traffic {

namespace json = boost::json;

KubeIngressSwitch::KubeIngressSwitch(std::unique_ptr<kube::Client> client, KubeTarget target,
                                     IngressSwitchSettings settings)
    : KubeObjectSwitch(std::move(client), std::move(target)), settings_(std::move(settings)) {}

std::string KubeIngressSwitch::servicePointer() const {
  return "/spec/rules/" + std::to_string(settings_.rule) + "/http/paths/" +
         std::to_string(settings_.path) + "/backend/service";
}

Result<TrafficState> KubeIngressSwitch::classify(const json::value& object) const {
  const std::string where = "rules[" + std::to_string(settings_.rule) + "].http.paths[" +
                            std::to_string(settings_.path) + "]";
  const json::value* service = detail::find(object, servicePointer());
  if (service == nullptr || !service->is_object()) {
    return Error(ErrorCode::kInvalidInput, name() + " has no service backend at " + where);
  }
  const std::string current = detail::stringAt(*service, "/name");
  TrafficState state;
  state.detail = "service " + current + " at " + where;
  if (current == settings_.blueService) {
    state.backend = TrafficState::Backend::kBlue;
  } else if (current == settings_.greenService) {
    state.backend = TrafficState::Backend::kGreen;
  } else {
    // Neither side: flipping would take traffic from a service nobody told us about.
    return Error(ErrorCode::kInvalidInput, name() + " points at service \"" + current + "\" at " +
                                               where + ", which is neither green (\"" +
                                               settings_.greenService + "\") nor blue (\"" +
                                               settings_.blueService + "\")");
  }
  return state;
}

json::array KubeIngressSwitch::flipOps(const json::value&) const {
  const std::string name = servicePointer() + "/name";
  json::array ops{
      json::object{{"op", "test"}, {"path", name}, {"value", settings_.greenService}},
      json::object{{"op", "replace"}, {"path", name}, {"value", settings_.blueService}}};
  if (!settings_.bluePort.empty()) {
    // port.number and port.name are mutually exclusive: replace the whole port object.
    json::object port;
    const json::value text(settings_.bluePort);
    if (auto number = detail::asCount(&text)) {
      port["number"] = *number;
    } else {
      port["name"] = settings_.bluePort;
    }
    ops.push_back(
        json::object{{"op", "add"}, {"path", servicePointer() + "/port"}, {"value", port}});
  }
  return ops;
}

}  // namespace nova::traffic
