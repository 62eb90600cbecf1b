// novactl's calls against the CI Role the chart renders: a rollout, a full rollback and a
// status run against the fake API server (a stand-in agent answers /status), then every
// request the server answered is checked against the Role's rules, with the verb the API
// server derives from the method, and every verb the Role grants on every name must have
// been used: the Role allows what novactl does, and nothing more.
//
// usage: ci_role_check ROLE.json   (the rendered Role, as JSON)
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "nova/core/files.h"
#include "nova/fake_kube/fake_kube.h"
#include "nova/http/server.h"
#include "nova/rollout/commands.h"

namespace {

namespace json = boost::json;

constexpr std::string_view kIngress = R"(
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: api-ingress, namespace: production}
spec:
  rules:
    - http:
        paths:
          - path: /
            pathType: Prefix
            backend: {service: {name: user-service-blue, port: {number: 8081}}}
)";

// A Deployment of three ready pods, as blue and green are before the rollout.
std::string deployment(const std::string& name, const std::string& version) {
  return "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: " + name +
         ", namespace: production}\nspec:\n  replicas: 3\n  template: {spec: {containers: "
         "[{name: user-service, image: \"nova/user-service:" +
         version + "\"}]}}\nstatus: {replicas: 3, readyReplicas: 3, availableReplicas: 3}\n";
}

// The agent's /status while it watches green and sees nothing wrong.
constexpr std::string_view kWatching =
    R"({"ready": true, "rules": [{"name": "error_rate", "value": 0.001}], "incident": null,
        "hold": null, "rollback": null})";

// One request as RBAC sees it.
struct Access {
  std::string verb, group, resource, ns, name;
  std::string describe() const {
    return verb + " " + (group.empty() ? "" : group + "/") + resource + " " + ns + "/" + name;
  }
};

// The attributes the API server's RBAC check uses, from the method and path
// (specs/kubernetes-discovery-lease.md §6); nullopt for a path that is not a resource.
std::optional<Access> accessOf(const std::string& method, const std::string& target) {
  const std::string path = target.substr(0, target.find('?'));
  std::vector<std::string> parts;
  std::stringstream in(path);
  for (std::string part; std::getline(in, part, '/');) {
    if (!part.empty()) {
      parts.push_back(part);
    }
  }
  Access a;
  std::size_t i = 0;
  if (parts.size() > 2 && parts[0] == "apis") {
    a.group = parts[1];
    i = 3;
  } else if (parts.size() > 1 && parts[0] == "api") {
    i = 2;
  } else {
    return std::nullopt;
  }
  if (i + 1 < parts.size() && parts[i] == "namespaces") {
    a.ns = parts[i + 1];
    i += 2;
  }
  if (i >= parts.size()) {
    return std::nullopt;
  }
  a.resource = parts[i];
  if (i + 1 < parts.size()) {
    a.name = parts[i + 1];
  }
  if (i + 2 < parts.size()) {
    a.resource += "/" + parts[i + 2];
  }
  const bool watch =
      target.find("watch=1") != std::string::npos || target.find("watch=true") != std::string::npos;
  static const std::map<std::string, std::string> kVerbs{
      {"POST", "create"}, {"PUT", "update"}, {"PATCH", "patch"}, {"DELETE", "delete"}};
  if (method == "GET") {
    a.verb = watch ? "watch" : a.name.empty() ? "list" : "get";
  } else {
    auto verb = kVerbs.find(method);
    a.verb = verb == kVerbs.end() ? method : verb->second;
  }
  return a;
}

bool contains(const json::value& list, const std::string& item) {
  for (const auto& v : list.as_array()) {
    if (v.as_string() == item) {
      return true;
    }
  }
  return false;
}

// "verb group resource name" of every (verb, name) a rule grants.
std::set<std::string> grants(const json::object& rule) {
  std::set<std::string> out;
  for (const auto& verb : rule.at("verbs").as_array()) {
    for (const auto& group : rule.at("apiGroups").as_array()) {
      for (const auto& resource : rule.at("resources").as_array()) {
        for (const auto& name : rule.at("resourceNames").as_array()) {
          out.insert(std::string(verb.as_string()) + " " + std::string(group.as_string()) + " " +
                     std::string(resource.as_string()) + " " + std::string(name.as_string()));
        }
      }
    }
  }
  return out;
}

int fail(const std::string& why) {
  std::cerr << "ci_role_check: " << why << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    return fail("usage: ci_role_check ROLE.json");
  }
  auto text = nova::readFile(argv[1], 1 << 20);
  if (!text.ok()) {
    return fail(text.error().message);
  }
  const json::value role = json::parse(*text);
  const std::string roleNs(role.at("metadata").at("namespace").as_string());

  auto api = nova::fake_kube::FakeKube::start();
  if (!api.ok()) {
    return fail(api.error().message);
  }
  const std::string objects = std::string(kIngress) + deployment("user-service-blue", "v1.2.3") +
                              deployment("user-service-green", "v1.2.4");
  if (auto seeded = (*api)->seed(objects); !seeded.ok()) {
    return fail(seeded.error().message);
  }
  auto agent = nova::http::Server::start({}, [](const nova::http::ServerRequest&) {
    nova::http::ServerResponse r;
    r.body = std::string(kWatching);
    r.contentType = "application/json";
    return r;
  });
  if (!agent.ok()) {
    return fail(agent.error().message);
  }

  const auto dir =
      std::filesystem::temp_directory_path() / ("nova-ci-role-check-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string config = (dir / "rollout.yaml").string();
  std::ofstream(config) << "switch:\n  type: kubernetes-ingress\n  server: " << (*api)->url()
                        << "\n  namespace: production\n  ingress: api-ingress\n"
                           "  blue_service: user-service-blue\n"
                           "  green_service: user-service-green\n"
                           "  blue_deployment: user-service-blue\n"
                           "deploy:\n  hook: {command: [\"true\"]}\n"
                           "smoke: {base_url: \"http://127.0.0.1:1\", health: false, "
                           "metrics: false}\n"
                           "blue: {namespace: production, deployment: user-service-blue, "
                           "scale_down_delay: 0s}\n"
                           "monitor: {agent_url: \"http://127.0.0.1:"
                        << (*agent)->port()
                        << "\", duration: 1s, poll_interval: 200ms}\n"
                           "rollback:\n  full: {namespace: production, "
                           "deployment: user-service-green, timeout: 30s}\n"
                           "report_dir: "
                        << (dir / "reports").string() << "\n";

  std::ostringstream out;
  std::ostringstream err;
  nova::rollout::RolloutArgs rollout;
  rollout.configFile = config;
  rollout.version = "v1.2.4";
  rollout.rolloutId = "r1";
  rollout.windowOverride = "the CI Role check runs at any hour";
  const int rolled = nova::rollout::runRollout(rollout, out, err);
  nova::rollout::RollbackArgs rollback;
  rollback.configFile = config;
  rollback.option = "full";
  rollback.reason = "the CI Role check";
  const int rolledBack = rolled == 0 ? nova::rollout::runRollback(rollback, out, err) : -1;
  nova::rollout::StatusArgs status;
  status.configFile = config;
  const int statusCode = nova::rollout::runStatus(status, out, err);
  (*agent)->stop();
  std::filesystem::remove_all(dir);
  if (rolled != 0 || rolledBack != 0 || statusCode != 0) {
    return fail("novactl rollout " + std::to_string(rolled) + ", rollback --option full " +
                std::to_string(rolledBack) + ", status " + std::to_string(statusCode) +
                " (all must exit 0):\n" + out.str() + err.str());
  }

  std::set<std::string> granted;
  for (const auto& rule : role.at("rules").as_array()) {
    for (auto& g : grants(rule.as_object())) {
      granted.insert(g);
    }
  }
  std::set<std::string> used;
  int requests = 0;
  for (const auto& r : (*api)->requests()) {
    auto access = accessOf(r.method, r.path);
    if (!access) {
      return fail("novactl sent " + r.method + " " + r.path + ", not a resource");
    }
    const std::string key =
        access->verb + " " + access->group + " " + access->resource + " " + access->name;
    if (access->ns != roleNs || !granted.contains(key)) {
      return fail("the Role does not allow " + access->describe() + " (" + r.method + " " + r.path +
                  "), which novactl sends");
    }
    used.insert(key);
    ++requests;
  }
  for (const auto& g : granted) {
    if (!used.contains(g)) {
      return fail("the Role grants \"" + g + "\", which novactl never used");
    }
  }
  std::cout << "ci role check: novactl rollout, rollback --option full and status sent " << requests
            << " requests; each one allowed by the Role, and each of its " << granted.size()
            << " grants used\n";
  return 0;
}
