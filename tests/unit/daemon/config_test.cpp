#include "nova/daemon/config.h"

#include <doctest/doctest.h>

#include <map>

#include "nova/core/files.h"
#include "nova/testing/temp_dir.h"

namespace nova::daemon {
namespace {

ConfigEnvironment fakeEnv() {
  ConfigEnvironment env;
  env.baseDir = "/etc/nova";
  env.getenv = [](const std::string& name) -> std::optional<std::string> {
    if (name == "NOVA_TOKEN") {
      return "s3cret-env";
    }
    return std::nullopt;
  };
  env.readFile = [](const std::string& path) -> Result<std::string> {
    if (path == "/etc/nova/token") {
      return std::string("s3cret-file");
    }
    if (path == "/etc/nova/token-newline") {
      return std::string("s3cret-file \n");
    }
    if (path == "/etc/nova/token-split") {
      return std::string("s3cret file\n");
    }
    return Error(ErrorCode::kNotFound, "no such file");
  };
  return env;
}

Result<AgentConfig> load(std::string_view yaml, std::vector<std::string> overrides = {}) {
  return loadConfig(yaml, "agent.yaml", overrides, fakeEnv());
}

constexpr std::string_view kMinimal = R"(
target:
  health_url: http://green:8080/health
  metrics_url: http://green:8080/metrics
)";

}  // namespace

TEST_CASE("a minimal file gets the documented defaults") {
  auto c = load(kMinimal);
  REQUIRE(c.ok());
  CHECK(c->target.healthInterval == 500);
  CHECK(c->target.metricsInterval == kSecond);
  CHECK(c->target.expectedStatus == "healthy");
  CHECK(c->target.verifyTls);
  CHECK(c->target.maxBodyBytes == std::size_t{16} << 20);
  CHECK(c->ruleFiles == std::vector<std::string>{"rules/default.yaml"});
  CHECK(c->switchConfig.type == "dry-run");
  REQUIRE(c->notifiers.size() == 1);
  CHECK(c->notifiers[0].type == "log");
  CHECK(c->listenAddress == "127.0.0.1");
  CHECK(c->listenPort == 9464);
  CHECK_FALSE(c->probeListenPort.has_value());
  CHECK_FALSE(c->apiToken.has_value());
  CHECK_FALSE(c->trafficSwitchedAt.has_value());
  CHECK(c->evalInterval == kSecond);
}

TEST_CASE("every field is read; relative paths resolve against the file's folder") {
  auto c = load(R"(
target:
  health_url: https://green/health
  metrics_url: https://green/metrics
  expected_status: ok
  health_interval: 250ms
  metrics_interval: 2s
  health_timeout: 1s
  metrics_timeout: 3s
  connect_timeout: 500ms
  ca_file: ca.pem
  insecure_skip_verify: true
  labels: {job: user, color: green}
rule_files: [rules/a.yaml, /abs/b.yaml]
policy: {high: {investigate: 5s}}
traffic_switched_at: 2026-01-02T03:04:05Z
eval_interval: 2s
switch: {type: dry-run, target: ingress nova/user}
notifiers: [{type: log}]
listen: 0.0.0.0:0
api_token: {file: token}
state_file: state.json
status_url: http://agent/status
log_format: json
action_queue: 8
)");
  REQUIRE_MESSAGE(c.ok(), (c.ok() ? "" : c.error().message));
  CHECK(c->target.expectedStatus == "ok");
  CHECK(c->target.healthInterval == 250);
  CHECK(c->target.connectTimeout == 500);
  CHECK(c->target.caFile == "/etc/nova/ca.pem");
  CHECK_FALSE(c->target.verifyTls);
  CHECK(c->target.labels.get("color") == "green");
  CHECK(c->ruleFiles == std::vector<std::string>{"/etc/nova/rules/a.yaml", "/abs/b.yaml"});
  REQUIRE(c->policyYaml.has_value());
  CHECK(c->trafficSwitchedAt == 1767323045000);
  CHECK(c->switchConfig.settings.at("target") == "ingress nova/user");
  CHECK(c->listenAddress == "0.0.0.0");
  CHECK(c->listenPort == 0);
  CHECK(c->apiToken == "s3cret-file");
  CHECK(c->stateFile == "/etc/nova/state.json");
  CHECK(c->logFormat == LogFormat::kJson);
  CHECK(c->actionQueueCapacity == 8);
}

TEST_CASE("a notifier's state_file resolves against the file's folder, like every path") {
  auto c = load(std::string(kMinimal) +
                "notifiers:\n  - {type: webhook, url: http://hook/x, state_file: notify.json}\n"
                "  - {type: webhook, url: http://hook/y, state_file: /abs/notify.json}\n");
  REQUIRE_MESSAGE(c.ok(), (c.ok() ? "" : c.error().message));
  CHECK(c->notifiers[0].settings.at("state_file") == "/etc/nova/notify.json");
  CHECK(c->notifiers[1].settings.at("state_file") == "/abs/notify.json");
}

TEST_CASE("reading a configuration creates no notifier file and moves none aside") {
  const testing::TempDir dir("nova-config-files");
  const std::string precious = dir.write("precious.txt", "not a ledger\n");
  const std::string fresh = dir.file("fresh.json");
  auto c = load(std::string(kMinimal) + "notifiers:\n  - {type: webhook, url: http://hook/x, " +
                "state_file: " + precious + "}\n  - {type: webhook, url: http://hook/y, " +
                "state_file: " + fresh + "}\n");
  REQUIRE_MESSAGE(c.ok(), (c.ok() ? "" : c.error().message));
  auto text = readFile(precious, 1024);
  REQUIRE(text.ok());
  CHECK(*text == "not a ledger\n");
  CHECK_FALSE(readFile(precious + ".corrupt", 1024).ok());
  CHECK_FALSE(readFile(fresh, 1024).ok());
  CHECK_FALSE(readFile(dir.file("fresh.outbox"), 1024).ok());
}

TEST_CASE("bytes that are not UTF-8 are refused where they are, so /status stays JSON") {
  auto c = load(std::string(kMinimal) + "state_file: /tmp/state.\xCCjson\n");
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().code == ErrorCode::kInvalidInput);
  CHECK(c.error().message == "agent.yaml:5:24: not valid UTF-8");
  auto set = load(kMinimal, {"state_file=/tmp/\xFF"});
  REQUIRE_FALSE(set.ok());
  CHECK(set.error().message == "--set: not valid UTF-8");
}

TEST_CASE("probe_listen opens a listener of its own for the kubelet's probes") {
  auto c = load(std::string(kMinimal) + "probe_listen: 0.0.0.0:9465\n");
  REQUIRE(c.ok());
  CHECK(c->probeListenAddress == "0.0.0.0");
  CHECK(c->probeListenPort == 9465);
  CHECK(describe(*c).find(R"("probe_listen":"0.0.0.0:9465")") != std::string::npos);
  auto bad = load(std::string(kMinimal) + "probe_listen: 9465\n");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == ErrorCode::kInvalidInput);
  CHECK(bad.error().message ==
        "agent.yaml:5:15: probe_listen: must be host:port with a port from 0 to 65535");
}

TEST_CASE("every problem is reported in one pass with file:line:col and hints") {
  auto c = load(R"(
target:
  health_url: green:8080/health
  metrics_url: http://green/metrics
  helth_interval: 1s
  metrics_timeout: 5q
listen: localhost
log_format: xml
switch: {type: dry-rn}
notifiers: [{type: carrier-pigeon}]
evel_interval: 1s
)");
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().code == ErrorCode::kInvalidInput);
  const std::string& m = c.error().message;
  CHECK(m.find("agent.yaml:3:15: target.health_url: must be an http:// or https:// URL: scheme "
               "\"green\" is not http or https\n") != std::string::npos);
  CHECK(m.find("agent.yaml:5:3: unknown key \"target.helth_interval\"; did you mean "
               "\"health_interval\"?") != std::string::npos);
  CHECK(m.find("agent.yaml:6:20: target.metrics_timeout:") != std::string::npos);
  CHECK(m.find("agent.yaml:7:9: listen:") != std::string::npos);
  CHECK(m.find("agent.yaml:8:13: log_format: must be text or json") != std::string::npos);
  CHECK(m.find("did you mean \"dry-run\"") != std::string::npos);
  CHECK(m.find("unknown type \"carrier-pigeon\"") != std::string::npos);
  CHECK(m.find("did you mean \"eval_interval\"") != std::string::npos);
  CHECK(std::count(m.begin(), m.end(), '\n') == 7);  // eight problems, one per line
}

TEST_CASE("one problem, one line: the whole message") {
  auto c = load(std::string(kMinimal) + "log_format: xml\n");
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().code == ErrorCode::kInvalidInput);
  CHECK(c.error().message == "agent.yaml:5:13: log_format: must be text or json");
}

TEST_CASE("a configuration file that cannot be read says why, with the read error's code") {
  auto missing = loadConfigFile("/nonexistent/agent.yaml", {});
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::kNotFound);
  CHECK(missing.error().message ==
        "cannot open /nonexistent/agent.yaml: No such file or directory");
  auto folder = loadConfigFile("/", {});
  REQUIRE_FALSE(folder.ok());
  CHECK(folder.error().code == ErrorCode::kInvalidInput);
}

TEST_CASE("malformed YAML and a missing target are errors") {
  auto broken = load("target: [\n");
  REQUIRE_FALSE(broken.ok());
  CHECK(broken.error().message.starts_with("agent.yaml:"));
  auto empty = load("");
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error().message.find("target: missing") != std::string::npos);
}

TEST_CASE("--set overrides values, creates sections and is named in its errors") {
  auto c =
      load(kMinimal, {"listen=127.0.0.1:0", "policy.high.investigate=5s", "target.labels.job=api"});
  REQUIRE_MESSAGE(c.ok(), (c.ok() ? "" : c.error().message));
  CHECK(c->listenPort == 0);
  REQUIRE(c->policyYaml.has_value());
  CHECK(c->policyYaml->find("5s") != std::string::npos);
  CHECK(c->target.labels.get("job") == "api");

  auto listed = load(std::string(kMinimal) + "notifiers: [{type: log}]\n",
                     {"notifiers.0.type=carrier-pigeon"});
  REQUIRE_FALSE(listed.ok());
  CHECK(listed.error().message.starts_with("--set notifiers.0.type: "));

  auto bad = load(kMinimal, {"target.health_interval=soon", "nonsense", "policy.high.then=jump"});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == ErrorCode::kInvalidInput);
  const std::string& m = bad.error().message;
  CHECK(m.find("--set target.health_interval: target.health_interval:") != std::string::npos);
  CHECK(m.find("--set nonsense: expected key.path=value") != std::string::npos);
  CHECK(m.find("--set policy.high.then") != std::string::npos);

  auto scalar = load(kMinimal, {"target.health_url.port=80"});
  REQUIRE_FALSE(scalar.ok());
  CHECK(scalar.error().message ==
        "--set target.health_url.port: \"port\" is inside a value that is not a map");
  auto index = load(std::string(kMinimal) + "notifiers: [{type: log}]\n", {"notifiers.3.type=log"});
  REQUIRE_FALSE(index.ok());
  CHECK(index.error().message == "--set notifiers.3.type: \"3\" is not an index of the list there");
}

TEST_CASE("secrets come from files or the environment and are never shown") {
  auto c = load(std::string(kMinimal) + "api_token: {env: NOVA_TOKEN}\n" +
                "switch: {type: dry-run, target: {file: token}}\n");
  REQUIRE_MESSAGE(c.ok(), (c.ok() ? "" : c.error().message));
  CHECK(c->apiToken == "s3cret-env");
  CHECK(c->switchConfig.settings.at("target") == "s3cret-file");
  const std::string shown = describe(*c);
  CHECK(shown.find("s3cret") == std::string::npos);
  CHECK(shown.find("<redacted>") != std::string::npos);

  auto missing = load(std::string(kMinimal) + "api_token: {env: NOPE}\n");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().message.find("environment variable NOPE is not set") != std::string::npos);
  auto plain = load(std::string(kMinimal) + "api_token: hunter2\n");
  REQUIRE_FALSE(plain.ok());
  CHECK(plain.error().message.find("hunter2") == std::string::npos);
}

TEST_CASE("a check that echoes a bad setting never echoes one read from a secret") {
  // The nginx switch quotes a setting that is not HOST:PORT; read from {env:} or {file:},
  // that quote would carry the secret into the log of a failed start.
  for (const char* source : {"{env: NOVA_TOKEN}", "{file: token}"}) {
    CAPTURE(std::string(source));
    auto c = load(std::string(kMinimal) +
                  "switch: {type: nginx, upstream_file: /tmp/up.conf, blue: 127.0.0.1:1, "
                  "verify_url: http://127.0.0.1:2/, green: " +
                  source + "}\n");
    REQUIRE_FALSE(c.ok());
    CHECK(c.error().message.find("s3cret") == std::string::npos);
    CHECK(
        c.error().message.find("switch: nginx setting \"green\": \"<secret>\" is not HOST:PORT") !=
        std::string::npos);
  }
}

TEST_CASE("an api token drops surrounding whitespace and refuses whitespace inside") {
  auto trailing = load(std::string(kMinimal) + "api_token: {file: token-newline}\n");
  REQUIRE_MESSAGE(trailing.ok(), (trailing.ok() ? "" : trailing.error().message));
  CHECK(trailing->apiToken == "s3cret-file");
  auto split = load(std::string(kMinimal) + "api_token: {file: token-split}\n");
  REQUIRE_FALSE(split.ok());
  CHECK(split.error().message.find(
            "api_token: the secret contains whitespace, which a bearer token cannot carry") !=
        std::string::npos);
  CHECK(split.error().message.find("s3cret") == std::string::npos);
}

TEST_CASE("traffic_switched_at: ms since the epoch or any RFC 3339 time") {
  auto ms = load(std::string(kMinimal) + "traffic_switched_at: 1700000000123\n");
  REQUIRE(ms.ok());
  CHECK(ms->trafficSwitchedAt == 1'700'000'000'123);
  auto offset = load(std::string(kMinimal) + "traffic_switched_at: 2023-11-14T23:13:20.5+01:00\n");
  REQUIRE(offset.ok());
  CHECK(offset->trafficSwitchedAt == 1'700'000'000'500);
  auto bad = load(std::string(kMinimal) + "traffic_switched_at: yesterday\n");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message ==
        "agent.yaml:5:22: traffic_switched_at: must be ms since the epoch or an RFC 3339 time "
        "such as 2026-01-02T03:04:05Z");
}

TEST_CASE("notifier secrets written inline or with --set are never shown either") {
  auto c = load(std::string(kMinimal) +
                    "notifiers:\n"
                    "  - {type: slack, webhook_url: "
                    "'https://hooks.slack.com/services/T1/B2/INLINESECRET'}\n"
                    "  - {type: pagerduty, routing_key: placeholder}\n"
                    "  - {type: alertmanager, url: 'http://admin:AMPASSWORD@am:9093'}\n",
                {"notifiers.1.routing_key=SETSECRETROUTINGKEY0123456789abc"});
  REQUIRE_MESSAGE(c.ok(), (c.ok() ? "" : c.error().message));
  const std::string shown = describe(*c);
  for (const char* secret : {"INLINESECRET", "SETSECRETROUTINGKEY", "AMPASSWORD", "T1/B2"}) {
    CAPTURE(std::string(secret));
    CHECK(shown.find(secret) == std::string::npos);
  }
  CHECK(shown.find("\"webhook_url\":\"https://hooks.slack.com/<redacted>\"") != std::string::npos);
  CHECK(shown.find("\"url\":\"http://admin:<redacted>@am:9093\"") != std::string::npos);
}

TEST_CASE("dry_run forces the dry-run switch") {
  auto c = load(std::string(kMinimal) + "dry_run: true\n");
  REQUIRE(c.ok());
  CHECK(c->dryRun);
  CHECK(c->switchConfig.type == "dry-run");
}

TEST_CASE("arming: auto by default; record needs a switch that carries the record") {
  auto defaults = load(kMinimal);
  REQUIRE(defaults.ok());
  CHECK(toString(defaults->armingMode) == std::string_view("auto"));
  CHECK(defaults->armingInterval == kSecond);
  auto record =
      load(std::string(kMinimal) +
           "switch: {type: nginx, upstream_file: /tmp/u.conf, blue: 127.0.0.1:1, "
           "green: 127.0.0.1:2, reload_command: 'true', verify_url: 'http://127.0.0.1:3/health'}\n"
           "arming: {mode: record, interval: 200ms}\n");
  REQUIRE_MESSAGE(record.ok(), record.error().message);
  CHECK(toString(record->armingMode) == std::string_view("record"));
  CHECK(record->armingInterval == 200);
  auto dryRun = load(std::string(kMinimal) + "arming: {mode: record}\n");
  REQUIRE_FALSE(dryRun.ok());
  CHECK(dryRun.error().code == ErrorCode::kInvalidInput);
  CHECK(dryRun.error().message ==
        "agent.yaml:5:9: arming.mode: record needs a switch that carries the rollout record "
        "(nginx, kubernetes-ingress, gateway-httproute), not dry-run");
  auto bad = load(std::string(kMinimal) + "arming: {mode: sometimes}\n");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message == "agent.yaml:5:16: arming.mode: must be auto, record or always");
}

}  // namespace nova::daemon
