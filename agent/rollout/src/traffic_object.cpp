#include "nova/rollout/traffic_object.h"

#include "kube_traffic_object.h"
#include "nginx_traffic_object.h"
#include "nova/rollout/record_codec.h"
#include "nova/traffic/kube_object_switch.h"
#include "nova/traffic/nginx_switch.h"

namespace nova::rollout {

Status decodeInto(TrafficRead& read) {
  auto annotations = annotationsOf(read.object);
  if (!annotations.ok()) {
    return annotations.error();
  }
  auto decoded = decodeAnnotations(*annotations);
  if (!decoded.ok()) {
    return decoded.error();
  }
  read.record = std::move(decoded->record);
  read.lease = std::move(decoded->lease);
  return {};
}

Status TrafficObject::scaleDeployment(const std::string&, const std::string& deployment,
                                      std::int64_t) {
  return Error(ErrorCode::kInvalidInput,
               describe() + ": Deployment " + deployment +
                   " cannot be scaled here (plain hosts); use a hook command");
}

Result<std::int64_t> TrafficObject::deploymentPods(const std::string& ns,
                                                   const std::string& deployment) {
  return scaleDeployment(ns, deployment, 0).error();
}

std::string recordFileFor(const std::string& upstreamFile) {
  return upstreamFile + ".rollout.json";
}

Result<std::unique_ptr<TrafficObject>> makeTrafficObject(const SwitchSpec& spec,
                                                         const BlueSpec& blue, const Clock& clock,
                                                         Random& random) {
  const traffic::SwitchConfig config{spec.type, spec.settings};
  if (spec.type == "nginx") {
    auto options = traffic::parseNginxSettings(spec.settings);
    if (!options.ok()) {
      return options.error();
    }
    return std::unique_ptr<TrafficObject>(
        std::make_unique<NginxTrafficObject>(std::move(options).value(), clock));
  }
  if (spec.type == "kubernetes-ingress" || spec.type == "gateway-httproute" ||
      spec.type == "ingress-nginx-canary") {
    auto sw = traffic::makeKubeObjectSwitch(config, clock, random);
    if (!sw.ok()) {
      return sw.error();
    }
    return std::unique_ptr<TrafficObject>(
        std::make_unique<KubeTrafficObject>(std::move(sw).value(), blue));
  }
  return Error(ErrorCode::kInvalidInput,
               "switch: type \"" + spec.type +
                   "\" cannot run a rollout (kubernetes-ingress, gateway-httproute, "
                   "ingress-nginx-canary and nginx can)");
}

}  // namespace nova::rollout
