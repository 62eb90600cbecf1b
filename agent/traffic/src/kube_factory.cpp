// Settings of the Kubernetes switches (all strings in the `switch.settings` map):
//
// Every type - the cluster:
//   server                    API server URL; with it, token/token_file/ca_file describe access
//   kubeconfig, context       kubeconfig file(s) (colon-separated) and context; without these
//                             and without server, the in-cluster service account is used
//   token, token_file, ca_file, insecure_skip_tls_verify   override what the above gave
//   namespace                 default: the context's or pod's namespace
//   timeout (5s), attempts (5), agent_name (nova-agent), annotation_prefix (nova.rollout/)
// kubernetes-ingress:   ingress, green_service, blue_service, rule_index (0), path_index (0),
//                       blue_port ("" = keep the port)
// gateway-httproute:    httproute, green_service, blue_service, rule_index (0),
//                       blue_weight (100), green_weight (0)
// ingress-nginx-canary: canary_ingress, canary_weight (0), canary_disable (false)
// Blue guard, any type: blue_deployment (scale up and wait for ready), blue_min_ready (1),
//                       blue_replicas (= blue_min_ready), blue_ready_timeout (2m),
//                       blue_poll_interval (500ms); blue_health_url (check blue's health),
//                       blue_health_status (healthy), blue_health_timeout (2s)
#include "kube_factory.h"

#include <array>

#include "kube_settings.h"
#include "nova/kube/client.h"
#include "nova/traffic/blue_guard.h"
#include "nova/traffic/kube_blue_readiness.h"
#include "nova/traffic/kube_canary_switch.h"
#include "nova/traffic/kube_httproute_switch.h"
#include "nova/traffic/kube_ingress_switch.h"

namespace nova::traffic::detail {

namespace {

constexpr std::array<std::string_view, 3> kKubeTypes{"kubernetes-ingress", "gateway-httproute",
                                                     "ingress-nginx-canary"};

struct Connection {
  std::string server, kubeconfig, context, token, tokenFile, caFile, ns;
  bool insecure = false;
  DurationMs timeout = 5 * kSecond;
  std::int64_t attempts = 5;
};

Connection readConnection(SettingsReader& r) {
  Connection c;
  c.server = r.text("server");
  c.kubeconfig = r.text("kubeconfig");
  c.context = r.text("context");
  c.token = r.text("token");
  c.tokenFile = r.text("token_file");
  c.caFile = r.text("ca_file");
  c.insecure = r.flag("insecure_skip_tls_verify", false);
  c.ns = r.text("namespace");
  c.timeout = r.duration("timeout", 5 * kSecond);
  c.attempts = r.count("attempts", 5);
  return c;
}

Result<kube::ClusterConfig> resolveCluster(const Connection& c, const std::string& type) {
  kube::ClusterConfig config;
  if (!c.server.empty()) {
    config.server = c.server;
    config.origin = "server setting";
  } else if (!c.kubeconfig.empty() || !c.context.empty()) {
    auto loaded = kube::loadKubeconfig(c.kubeconfig, c.context);
    if (!loaded.ok()) {
      return loaded.error().prefixed("switch: " + type + ": ");
    }
    config = std::move(*loaded);
  } else {
    auto inCluster = kube::inClusterConfig();
    if (!inCluster.ok()) {
      return Error(inCluster.error().code,
                   "switch: " + type + ": " + inCluster.error().message +
                       " (set \"server\" or \"kubeconfig\" to run outside a cluster)");
    }
    config = std::move(*inCluster);
  }
  if (!c.token.empty()) {
    config.token = c.token;
  }
  if (!c.tokenFile.empty()) {
    config.tokenFile = c.tokenFile;
  }
  if (!c.caFile.empty()) {
    config.caFile = c.caFile;
  }
  config.insecureSkipTlsVerify = config.insecureSkipTlsVerify || c.insecure;
  if (!c.ns.empty()) {
    config.defaultNamespace = c.ns;
  }
  return config;
}

std::unique_ptr<kube::Client> makeClient(const kube::ClusterConfig& config, const Connection& c,
                                         const Clock& clock, Random& random) {
  kube::ClientOptions options;
  options.timeout = c.timeout;
  options.retry.attempts = static_cast<int>(c.attempts);
  return std::make_unique<kube::Client>(config, clock, random, options);
}

}  // namespace

std::span<const std::string_view> kubeSwitchTypes() {
  return kKubeTypes;
}

Result<SwitchPtr> makeKubeSwitch(const SwitchConfig& config, const Clock& clock, Random& random) {
  const std::string& type = config.type;
  SettingsReader r(type, config.settings);
  Connection connection = readConnection(r);
  KubeTarget target;
  target.agentName = r.text("agent_name", "nova-agent");
  target.annotationPrefix = r.text("annotation_prefix", "nova.rollout/");
  IngressSwitchSettings ingress;
  HttpRouteSwitchSettings route;
  CanarySwitchSettings canary;
  std::string objectName;
  if (type == "kubernetes-ingress") {
    objectName = r.required("ingress");
    ingress.greenService = r.required("green_service");
    ingress.blueService = r.required("blue_service");
    ingress.rule = static_cast<int>(r.count("rule_index", 0));
    ingress.path = static_cast<int>(r.count("path_index", 0));
    ingress.bluePort = r.text("blue_port");
  } else if (type == "gateway-httproute") {
    objectName = r.required("httproute");
    route.greenService = r.required("green_service");
    route.blueService = r.required("blue_service");
    route.rule = static_cast<int>(r.count("rule_index", 0));
    route.blueWeight = r.count("blue_weight", 100);
    route.greenWeight = r.count("green_weight", 0);
  } else {
    objectName = r.required("canary_ingress");
    canary.weight = r.count("canary_weight", 0);
    canary.disable = r.flag("canary_disable", false);
  }
  KubeReadinessSettings readiness;
  readiness.deployment = r.text("blue_deployment");
  readiness.minReady = r.count("blue_min_ready", 1);
  readiness.replicas = r.count("blue_replicas", readiness.minReady);
  readiness.readyTimeout = r.duration("blue_ready_timeout", 2 * kMinute);
  readiness.pollInterval = r.duration("blue_poll_interval", 500);
  BlueHealthCheck health;
  health.url = r.text("blue_health_url");
  health.expectedStatus = r.text("blue_health_status", "healthy");
  health.timeout = r.duration("blue_health_timeout", 2 * kSecond);
  if (Status checked = r.finish(); !checked.ok()) {
    return checked.error();
  }

  auto cluster = resolveCluster(connection, type);
  if (!cluster.ok()) {
    return cluster.error();
  }
  const std::string& ns = cluster->defaultNamespace;
  SwitchPtr sw;
  if (type == "kubernetes-ingress") {
    target.ref = kube::ingressRef(ns, objectName);
    sw = std::make_unique<KubeIngressSwitch>(makeClient(*cluster, connection, clock, random),
                                             target, ingress);
  } else if (type == "gateway-httproute") {
    target.ref = kube::httpRouteRef(ns, objectName);
    sw = std::make_unique<KubeHttpRouteSwitch>(makeClient(*cluster, connection, clock, random),
                                               target, route);
  } else {
    target.ref = kube::ingressRef(ns, objectName);
    sw = std::make_unique<KubeCanarySwitch>(makeClient(*cluster, connection, clock, random), target,
                                            canary);
  }
  std::unique_ptr<BlueReadiness> blue;
  if (!readiness.deployment.empty()) {
    readiness.ns = ns;
    blue = std::make_unique<KubeBlueReadiness>(makeClient(*cluster, connection, clock, random),
                                               readiness, clock);
  }
  return guarded(std::move(sw), BlueGuard(std::move(blue), std::move(health)));
}

}  // namespace nova::traffic::detail
