#pragma once

// What the Kubernetes rollout tests share: the fake-kube-apiserver process seeded with the
// production namespace (api-ingress on blue, the blue and green Deployments) over TLS with
// a token, a kubeconfig that novactl, nova-agent and kubectl all read, blue and green as
// real nova-demo-service processes, nova-agent beside green armed from the Ingress's record,
// and the rollout.yaml that ties them together in a private folder.
#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "nova/testing/child_process.h"
#include "nova/testing/tools.h"
#include "rollout_site.h"

namespace nova::kube_site {

using namespace rollout_site;

inline constexpr const char* kBlueService = "user-service-blue";
inline constexpr const char* kGreenService = "user-service-green";
inline constexpr const char* kBackendPath = "/spec/rules/0/http/paths/0/backend/service/name";
inline constexpr const char* kDataDir = NOVA_SOURCE_DIR "/tests/integration/rollout_kube/data/";

// A shell line, stdout and stderr together, bounded at 30 s.
inline testing::RunResult sh(const std::string& command) {
  return testing::run({"/bin/sh", "-c", command}, 30 * kSecond, "Debian's dash");
}

// The phase of the last event in `file` ("" before the first).
inline std::string lastPhase(const fs::path& file) {
  std::istringstream lines(slurp(file));
  std::string phase;
  for (std::string line; std::getline(lines, line);) {
    boost::system::error_code ec;
    const json::value e = json::parse(line, ec);
    if (!ec && e.is_object() && e.as_object().contains("phase")) {
      phase = std::string(e.at("phase").as_string());
    }
  }
  return phase;
}

// The fake API server process over TLS (kubectl sends a token over TLS only), with a
// self-signed certificate for 127.0.0.1 and a request log of its writes.
struct FakeApiServer {
  // `seeds`: more objects (data/NAME) beside the production namespace.
  // `readyDelayMs`: how long the simulated controller takes to follow a scale or a rollout.
  explicit FakeApiServer(const fs::path& dir, const std::vector<std::string>& seeds = {},
                         int readyDelayMs = 100)
      : cert(dir / "server.crt"), key(dir / "server.key"), requestLog(dir / "requests.jsonl") {
    testing::requireTool("kubectl", "kubectl");
    testing::requireTool("openssl", "Debian's openssl");
    auto made =
        sh("openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
           "-addext subjectAltName=IP:127.0.0.1 -keyout " +
           key.string() + " -out " + cert.string() + " 2>&1");
    REQUIRE_MESSAGE(made.status == 0, made.output);
    log = std::make_unique<testing::LogCapture>((dir / "fake-kube.log").string());
    // The simulated controller follows a scale after the delay, so Phase 4 waits for real.
    std::vector<std::string> argv{
        NOVA_FAKE_KUBE_BIN, "--token",          "rollout-token",
        "--tls-cert",       cert.string(),      "--tls-key",
        key.string(),       "--ready-delay-ms", std::to_string(readyDelayMs),
        "--request-log",    requestLog.string()};
    std::vector<std::string> files{"production-blue.yaml"};
    files.insert(files.end(), seeds.begin(), seeds.end());
    for (const std::string& name : files) {
      argv.insert(argv.end(), {"--seed", std::string(kDataDir) + name});
    }
    process = std::make_unique<testing::ChildProcess>(
        testing::ChildOptions{.argv = std::move(argv), .captureStdout = true, .log = log.get()});
    const std::string line = process->waitForLine("listening on ", 10 * kSecond);
    const auto at = line.find("listening on ");
    REQUIRE_MESSAGE(at != std::string::npos, log->text());
    url = line.substr(at + 13);
    kubeconfig = dir / "kubeconfig";
    writeText(kubeconfig,
              "apiVersion: v1\nkind: Config\nclusters:\n  - name: fake\n    cluster:\n"
              "      server: " +
                  url + "\n      certificate-authority: " + cert.string() +
                  "\nusers:\n  - name: rollout\n    user:\n      token: rollout-token\n"
                  "contexts:\n  - name: fake\n    context: {cluster: fake, user: rollout, "
                  "namespace: production}\ncurrent-context: fake\n");
  }

  // Writes the server answered 2xx that patched api-ingress's backend to `service`. A line
  // the server is still writing does not parse yet and is left for the next read.
  int backendPatches(const std::string& service) const {
    int n = 0;
    std::istringstream lines(slurp(requestLog));
    for (std::string line; std::getline(lines, line);) {
      boost::system::error_code ec;
      const json::value r = json::parse(line, ec);
      if (ec || r.at("method") != "PATCH" || r.at("status").to_number<int>() / 100 != 2 ||
          !std::string(r.at("path").as_string()).ends_with("/ingresses/api-ingress")) {
        continue;
      }
      const json::value ops = json::parse(r.at("body").as_string(), ec);
      if (ec || !ops.is_array()) {
        continue;
      }
      for (const auto& op : ops.as_array()) {
        n += op.at("op") != "test" && op.at("path") == kBackendPath &&
                     op.at("value") == service.c_str()
                 ? 1
                 : 0;
      }
    }
    return n;
  }

  // Every write the server answered, one "METHOD path STATUS" a line.
  std::string writes() const {
    std::string out;
    std::istringstream lines(slurp(requestLog));
    for (std::string line; std::getline(lines, line);) {
      boost::system::error_code ec;
      const json::value r = json::parse(line, ec);
      if (!ec) {
        out += std::string(r.at("method").as_string()) + " " +
               std::string(r.at("path").as_string()) + " " +
               std::to_string(r.at("status").to_number<int>()) + "\n";
      }
    }
    return out;
  }

  fs::path cert, key, requestLog, kubeconfig;
  std::string url;
  std::unique_ptr<testing::LogCapture> log;
  std::unique_ptr<testing::ChildProcess> process;
};

// How a KubeSite differs from the plain one.
struct SiteOptions {
  // monitor.duration.
  std::string monitor = "3s";
  // The pre-flight check, the snapshot's start and the deploy hook each hold the first run
  // that reaches them until release(phase), so a test can kill novactl inside a phase; and
  // the switch is verified through green's /health as the public URL.
  bool gated = false;
  // The gateway-httproute switch on api-route (weighted, data/api-route.yaml) instead of
  // kubernetes-ingress on api-ingress.
  bool httpRoute = false;
  // monitor.medium_max_wait: how long a window that ended without a clean verdict waits.
  std::string mediumMaxWait = "20s";
  // window.days, a YAML list.
  std::string windowDays = "[sun, mon, tue, wed, thu, fri, sat]";
  // The `for` of the agent's api_down rule (green's /health failing).
  std::string apiDownFor = "1s";
  // The built-in cluster pre-flight checks on production-green and the built-in deploy of
  // green's image (data/production-green.yaml) instead of the deploy hook.
  bool builtIn = false;
  // How long the fake controller takes to follow a scale or finish a rollout.
  int readyDelayMs = 100;
};

// rollout.yaml's pre-flight with the cluster's own checks (the command checks follow it),
// and the built-in deploy, for SiteOptions::builtIn.
constexpr std::string_view kClusterPreflight =
    "preflight:\n"
    "  cluster:\n"
    "    namespace: production-green\n"
    "    configmaps: [user-service-config]\n"
    "    secrets: [user-service-db]\n"
    "    nodes: {selector: node-role.kubernetes.io/worker}\n"
    "  checks:\n";
constexpr std::string_view kBuiltInDeploy =
    "deploy:\n"
    "  kubernetes:\n"
    "    namespace: production-green\n"
    "    deployment: user-service-green\n"
    "    container: user-service\n"
    "    image: nova/user-service:${NOVA_VERSION}\n"
    "    timeout: 30s\n";

// Blue, green, the fake API server and the agent, with rollout.yaml for them.
struct KubeSite {
  explicit KubeSite(const std::string& greenVersion, const SiteOptions& options = {})
      : dir(Site::makeDir()),
        api(dir,
            options.httpRoute ? std::vector<std::string>{"api-route.yaml"}
            : options.builtIn ? std::vector<std::string>{"production-green.yaml"}
                              : std::vector<std::string>{},
            options.readyDelayMs),
        blue({"--version", "v1.2.3", "--color", "blue"}),
        green({"--version", greenVersion, "--color", "green"}) {
    const bool gated = options.gated;
    const std::string switchSettings =
        (options.httpRoute ? "  type: gateway-httproute\n" : "  type: kubernetes-ingress\n") +
        ("  kubeconfig: " + api.kubeconfig.string() + "\n  namespace: production\n") +
        (options.httpRoute ? "  httproute: api-route\n" : "  ingress: api-ingress\n") +
        "  blue_service: user-service-blue\n"
        "  green_service: user-service-green\n"
        "  blue_deployment: user-service-blue\n";
    writeAgentRules(dir, options.apiDownFor);
    writeText(dir / "agent.yaml",
              "target:\n  health_url: " + green.url("/health") + "\n  metrics_url: " +
                  green.url("/metrics") + "\n  health_interval: 250ms\n  health_timeout: 5s\n" +
                  "rule_files: [rules.yaml]\neval_interval: 250ms\nswitch:\n" + switchSettings +
                  "notifiers: [{type: log}]\nstate_file: state.json\nlisten: 127.0.0.1:0\n" +
                  "arming: {mode: record, interval: 200ms}\n");
    startAgent();
    // Holds the first run of a phase's command until release-PHASE exists (or the folder
    // is gone, so a hook orphaned by a kill never outlives the test).
    const std::string gate =
        gated ? "G=" + dir.string() + "/held-$NOVA_PHASE; if [ ! -e $G ]; then touch $G; " +
                    "while [ -d " + dir.string() + " ] && [ ! -e " + dir.string() +
                    "/release-$NOVA_PHASE ]; do sleep 0.02; done; fi; "
              : std::string();
    const std::string publicUrl =
        gated ? "  public_url: " + green.url("/health") + "\n  verify_timeout: 10s\n"
              : std::string();
    // The staged rollback reads green's own /metrics every 200 ms.
    const std::string rollback =
        options.httpRoute ? "rollback:\n  staged:\n    poll_interval: 200ms\n" : std::string();
    writeText(dir / "rollout.yaml",
              "switch:\n" + switchSettings + publicUrl + "window:\n  days: " + options.windowDays +
                  "\n  hours: \"00:00-23:59\"\n  deny_last_days_of_month: 0\n"
                  "  expected_duration: 1m\n" +
                  (options.builtIn ? std::string(kClusterPreflight) : "preflight:\n") +
                  "  - name: db-connections\n    shell: true\n    command: '" + gate +
                  "true'\nsnapshot:\n  start:\n    shell: true\n    command: 'echo "
                  "$NOVA_SNAPSHOT_ID >> " +
                  (dir / "snapshots").string() + "; " + gate +
                  "true'\n  poll:\n    shell: true\n    command: 'grep -qx $NOVA_SNAPSHOT_ID " +
                  (dir / "snapshots").string() +
                  " && echo available || echo creating'\n  interval: 100ms\n" +
                  (options.builtIn
                       ? std::string(kBuiltInDeploy)
                       : "deploy:\n  hook:\n    shell: true\n    command: '" + gate + "true'\n") +
                  "smoke:\n  base_url: " + green.url("") +
                  "\nblue:\n  namespace: production\n  deployment: user-service-blue\n"
                  "  scale_down_delay: 0s\n"
                  "monitor:\n  agent_url: http://127.0.0.1:" +
                  std::to_string(agentPort) + "\n  duration: " + options.monitor +
                  "\n  poll_interval: 200ms\n  medium_max_wait: " + options.mediumMaxWait +
                  "\n"
                  "bounds:\n  preflight: 1m\n  green: 1m\n  switch: 1m\n  blue: 1m\n"
                  "  overall: 3m\n"
                  "lease:\n  duration: 3s\n" +
                  rollback + "report_dir: reports\n");
  }
  ~KubeSite() {
    for (const std::string phase : {"pre-flight", "snapshot", "deploy-green"}) {
      release(phase);
    }
    std::error_code ec;
    fs::remove_all(dir, ec);
  }

  // The gated command of `phase` is being held (a run is inside the phase).
  bool held(const std::string& phase) const { return fs::exists(dir / ("held-" + phase)); }
  void release(const std::string& phase) const { writeText(dir / ("release-" + phase), ""); }

  void startAgent() { agent = agentProc(dir, agentPort); }

  // The agent started again after it died, with the same state file and on the same port
  // (a sidecar's port is fixed; rollout.yaml names it).
  void restartAgent() {
    std::string config = slurp(dir / "agent.yaml");
    const std::string any = "listen: 127.0.0.1:0\n";
    if (const auto at = config.find(any); at != std::string::npos) {
      config.replace(at, any.size(), "listen: 127.0.0.1:" + std::to_string(agentPort) + "\n");
      writeText(dir / "agent.yaml", config);
    }
    const int before = agentPort;
    agent = agentProc(dir, agentPort);
    REQUIRE(agentPort == before);
  }

  // Any novactl command line, its stdout and stderr in NAME.log.
  std::unique_ptr<Proc> novactlWith(const std::vector<std::string>& args, const std::string& name) {
    return std::make_unique<Proc>(NOVACTL_BIN, args, (dir / (name + ".log")).string());
  }

  // A run of the rollout, its events in NAME.events.jsonl and its output in NAME.log.
  std::unique_ptr<Proc> novactl(const std::string& id, const std::string& name,
                                const std::string& version) {
    return rolloutProc(dir / "rollout.yaml", id, version, dir / (name + ".events.jsonl"),
                       dir / (name + ".log"));
  }

  // The CI's second step: `novactl status --wait --for done` for `id`, its JSON on stdout.
  std::unique_ptr<testing::ChildProcess> waiter(const std::string& id) {
    waiterLog = std::make_unique<testing::LogCapture>((dir / "waiter.log").string());
    return std::make_unique<testing::ChildProcess>(testing::ChildOptions{
        .argv = {NOVACTL_BIN, "status", "-f", (dir / "rollout.yaml").string(), "--wait", "--for",
                 "done", "--rollout-id", id, "--timeout", "60s", "-o", "json"},
        .captureStdout = true,
        .log = waiterLog.get()});
  }

  // `novactl status -o json` (stdout only; stderr into status.log).
  json::value status() {
    auto r = sh(std::string(NOVACTL_BIN) + " status -f " + (dir / "rollout.yaml").string() +
                " -o json 2>>" + (dir / "status.log").string());
    REQUIRE_MESSAGE(r.status == 0, r.output << slurp(dir / "status.log"));
    return json::parse(r.output);
  }

  // The real kubectl, with the kubeconfig novactl and the agent use.
  testing::RunResult kubectl(const std::string& args) {
    return sh("HOME=" + dir.string() + " kubectl --kubeconfig " + api.kubeconfig.string() +
              " --request-timeout 10s " + args + " 2>&1");
  }

  // The Ingress's backend service as kubectl reads it.
  std::string backendByKubectl() {
    auto r = kubectl(
        "get ingress api-ingress -n production -o "
        "jsonpath='{.spec.rules[0].http.paths[0].backend.service.name}'");
    REQUIRE_MESSAGE(r.status == 0, r.output);
    return r.output;
  }

  // blue's Deployment's spec.replicas as kubectl reads it ("3", "0").
  std::string blueReplicasByKubectl() {
    auto r =
        kubectl("get deployment user-service-blue -n production -o jsonpath='{.spec.replicas}'");
    REQUIRE_MESSAGE(r.status == 0, r.output);
    return r.output;
  }

  // api-route's weights as kubectl reads them: "BLUE GREEN" ("75 25").
  std::string weightsByKubectl() {
    auto r = kubectl(
        "get httproute api-route -n production -o "
        "jsonpath='{.spec.rules[0].backendRefs[0].weight} "
        "{.spec.rules[0].backendRefs[1].weight}'");
    REQUIRE_MESSAGE(r.status == 0, r.output);
    return r.output;
  }

  json::value agentStatus() const { return agentStatusAt(agentPort); }
  bool armedFor(const std::string& rolloutId) const { return armedAt(agentPort, rolloutId); }
  void greenFaults(const std::string& faults) { postFaults(green, faults); }

  fs::path dir;
  FakeApiServer api;
  demo::test::ServiceProcess blue;
  demo::test::ServiceProcess green;
  std::unique_ptr<Proc> agent;
  int agentPort = 0;
  std::unique_ptr<testing::LogCapture> waiterLog;
};

}  // namespace nova::kube_site
