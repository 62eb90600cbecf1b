#include "nova/rollout/config.h"

#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <fstream>
#include <sstream>

#include "config_minimal.h"

namespace nova::rollout {
namespace {

std::string readText(const std::string& path) {
  std::ifstream in(path);
  REQUIRE_MESSAGE(in.good(), "cannot read " << path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

const std::string kExampleDir = std::string(NOVA_SOURCE_DIR) + "/examples/rollout";

constexpr std::string_view kMinimal = test::kMinimalConfig;

std::string errorsOf(std::string_view yaml) {
  auto loaded = loadRolloutConfig(yaml, "rollout.yaml");
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.error().code == ErrorCode::kInvalidInput);
  return loaded.error().message;
}

TEST_CASE("the plain-hosts example loads: nginx switch, hooks for green and blue") {
  auto loaded = loadRolloutConfig(readText(kExampleDir + "/rollout-nginx.yaml"),
                                  "rollout-nginx.yaml", kExampleDir);
  REQUIRE_MESSAGE(loaded.ok(), (loaded.ok() ? "" : loaded.error().message));
  CHECK(loaded->switchSpec.type == "nginx");
  CHECK(loaded->switchSpec.settings.at("verify_green_value") == "green");
  CHECK(loaded->deploy.kind == DeploySpec::Kind::kHook);
  CHECK(loaded->blue.scaleDownHook.has_value());
}

TEST_CASE("the example rollout.yaml loads, with its holiday file") {
  auto loaded =
      loadRolloutConfig(readText(kExampleDir + "/rollout.yaml"), "rollout.yaml", kExampleDir);
  REQUIRE_MESSAGE(loaded.ok(), (loaded.ok() ? "" : loaded.error().message));
  const RolloutConfig& c = *loaded;
  CHECK(c.switchSpec.type == "kubernetes-ingress");
  CHECK(c.switchSpec.settings.at("ingress") == "api-ingress");
  CHECK(c.switchSpec.settings.count("public_url") == 0);
  CHECK(c.switchSpec.publicUrl == "https://api.nova-social.io/health");
  CHECK(c.window.holidaysFile == kExampleDir + "/holidays.txt");
  CHECK(c.window.expectedDuration == 45 * kMinute);
  REQUIRE(c.preflight.size() == 3);
  REQUIRE(c.preflightCluster.has_value());
  CHECK(c.preflightCluster->ns == "production-green");
  CHECK(c.preflightCluster->secrets == std::vector<std::string>{"user-service-db"});
  CHECK(c.preflightCluster->nodeSelector == "node-role.kubernetes.io/worker");
  CHECK(c.preflight[0].command.argv.back() == "0.7");
  CHECK(c.preflight[0].command.timeout == 30 * kSecond);
  CHECK(c.preflight[0].command.expectOutput == "^OK");
  CHECK(c.preflight[1].command.shell);
  CHECK(c.preflight[1].command.env.at("AWS_REGION") == "us-east-1");
  CHECK(c.preflight[2].command.workingDir == kExampleDir + "/.");
  REQUIRE(c.snapshot.has_value());
  CHECK(c.snapshot->poll.has_value());
  CHECK(c.snapshot->interval == 15 * kSecond);
  CHECK(c.deploy.kind == DeploySpec::Kind::kHook);
  CHECK(c.deploy.hook.timeout == 11 * kMinute);
  REQUIRE(c.smoke.steps.size() == 4);
  CHECK(c.smoke.secrets.size() == 1);
  const SmokeStep& create = c.smoke.steps[1];
  CHECK(create.method == "POST");
  CHECK(create.expectStatus == 201);
  CHECK(create.body == R"({"title":"Green Smoke Test ${NOVA_ROLLOUT_ID}","description":""})");
  CHECK(create.headers.back() ==
        std::pair<std::string, std::string>("Content-Type", "application/json"));
  CHECK(create.captures.front().first == "stream_id");
  CHECK(c.smoke.steps[2].assertions.size() == 3);
  CHECK(c.smoke.steps[3].always);
  CHECK(c.smoke.steps[3].timeout == 5 * kSecond);
  CHECK(c.smoke.steps[0].timeout == 10 * kSecond);
  CHECK(c.blue.scaleDownDelay == 30 * kSecond);
  CHECK(c.monitor.pollInterval == 5 * kSecond);
  CHECK(c.bounds.monitor == 10 * kMinute);
  CHECK(c.bounds.mediumMaxWait == 30 * kMinute);
  CHECK(c.bounds.overall == 60 * kMinute);
  CHECK(c.reportDir == kExampleDir + "/reports");
  REQUIRE(c.notifiers.size() == 1);

  auto holidays = parseHolidays(readText(c.window.holidaysFile), c.window.holidaysFile);
  REQUIRE(holidays.ok());
  CHECK(holidays->size() == 4);
  WindowConfig window = c.window.window;
  window.holidays = *holidays;
  CHECK(Window::create(window).ok());
}

TEST_CASE("a minimal rollout.yaml takes the runbook's defaults") {
  auto loaded = loadRolloutConfig(kMinimal, "rollout.yaml");
  REQUIRE_MESSAGE(loaded.ok(), (loaded.ok() ? "" : loaded.error().message));
  const RolloutConfig& c = *loaded;
  CHECK(c.window.window.days == std::array<bool, 7>{false, false, true, true, true, false, false});
  CHECK(c.window.window.startMinute == 120);
  CHECK(c.window.window.timeZone == "UTC");
  CHECK(c.bounds.preflight == 10 * kMinute);
  CHECK(c.bounds.green == 15 * kMinute);
  CHECK(c.bounds.switchTraffic == 5 * kMinute);
  CHECK(c.bounds.blue == 5 * kMinute);
  CHECK(c.deploy.hook.timeout == 10 * kMinute);
  CHECK(c.smoke.health);
  CHECK(c.smoke.metrics);
  CHECK_FALSE(c.snapshot.has_value());
  CHECK(c.leaseDuration == 30 * kSecond);
  CHECK(c.reportDir == "reports");
}

TEST_CASE("a bad URL is shown redacted: a credential in it stays out of the error") {
  const std::string message = errorsOf(R"(switch: {type: dry-run}
deploy:
  hook: {command: [helm]}
smoke: {base_url: "ftp://ops:hunter2@green:8081/x?token=abc"}
blue: {namespace: production, deployment: user-service-blue}
monitor: {agent_url: "http://agent:9464/a b?token=abc"}
)");
  CHECK(message ==
        "rollout.yaml:4:19: smoke.base_url: must be an http:// or https:// URL, got "
        "\"ftp://ops:<redacted>@green:8081/x?token=<redacted>\": scheme \"ftp\" is not http "
        "or https\n"
        "rollout.yaml:6:22: monitor.agent_url: must be an http:// or https:// URL, got "
        "\"<invalid URL>\": not an absolute URL (expected http://host[:port]/path or "
        "https://...)");
  CHECK(message.find("hunter2") == std::string::npos);
  CHECK(message.find("abc") == std::string::npos);
}

TEST_CASE("every problem is reported at once, each at its file:line:col") {
  const std::string message = errorsOf(R"(switch: {type: kubernetes-ingres}
window:
  days: [tue, wendesday]
  hours: "02:00-4"
  time_zone: Europe/Berln
preflight:
  - name: db
    command: psql -c 'select 1'
    timeout: 30x
  - name: db
    command: [check, "${NOVA_VERSON}"]
    expect_output: "(unclosed"
deploy:
  hook: {command: [helm]}
  kubernetes: {namespace: x}
smoke:
  base_url: green:8081
  secrets:
    token: {env: TOKEN, file: token.txt}
  steps:
    - name: read
      url: /api/v1/streams/${stream_id}
      assert:
        - {pointer: "id", equals: 1}
        - {pointer: /x, exists: true, absent: true}
      capture: {stream_id: /id}
blue: {namespace: production, deploymnet: blue}
monitor: {agent_url: "http://agent:9464", duration: 10m}
lease: {duration: 1s}
)");
  CHECK(message ==
        "rollout.yaml:1:16: switch.type: unknown type \"kubernetes-ingres\" (known: dry-run, "
        "nginx, kubernetes-ingress, gateway-httproute, ingress-nginx-canary)\n"
        "rollout.yaml:3:15: window.days[1]: unknown day \"wendesday\" (mon, tue, ..., sun)\n"
        "rollout.yaml:4:10: window.hours: expected HH:MM-HH:MM, got \"02:00-4\"\n"
        "rollout.yaml:8:14: preflight[0].command: a command line runs only with shell: true; "
        "give a list of arguments to run it without a shell\n"
        "rollout.yaml:9:14: preflight[0].timeout: invalid duration \"30x\": expected a unit (y, "
        "w, d, h, m, s, ms)\n"
        "rollout.yaml:10:11: preflight[1].name: duplicate name \"db\"\n"
        "rollout.yaml:11:22: preflight[1].command[1]: unknown variable ${NOVA_VERSON}; did you "
        "mean ${NOVA_VERSION}?\n"
        "rollout.yaml:12:20: preflight[1].expect_output: bad pattern /(unclosed/: missing ): "
        "(unclosed\n"
        "rollout.yaml:14:3: deploy: give exactly one of hook and kubernetes\n"
        "rollout.yaml:17:13: smoke.base_url: must be an http:// or https:// URL, got "
        "\"green:8081\": scheme \"green\" is not http or https\n"
        "rollout.yaml:19:12: smoke.secrets.token: give exactly one of env and file\n"
        "rollout.yaml:22:12: smoke.steps[0].url: unknown variable ${stream_id}\n"
        "rollout.yaml:24:21: smoke.steps[0].assert[0].pointer: \"id\" is not a JSON Pointer "
        "(\"/a/0/b\"; write ~ as ~0 and / as ~1)\n"
        "rollout.yaml:25:11: smoke.steps[0].assert[1]: give exactly one of equals, exists, "
        "absent and matches\n"
        "rollout.yaml:27:7: blue: missing required field deployment\n"
        "rollout.yaml:27:31: blue: unknown key \"deploymnet\"; did you mean deployment?\n"
        "rollout.yaml:29:19: lease.duration: must be at least 3s (renewed every third)");
}

TEST_CASE("window problems found by the window itself point at their field") {
  std::string yaml(kMinimal);
  CHECK(errorsOf(yaml + "window: {time_zone: Europe/Berln}\n") ==
        "rollout.yaml:7:21: window: unknown time zone \"Europe/Berln\"; did you mean "
        "Europe/Berlin? (IANA names such as UTC, Europe/Berlin)");
  CHECK(errorsOf(yaml + "window: {hours: \"02:00-03:00\", expected_duration: 90m}\n") ==
        "rollout.yaml:7:51: window.expected_duration: 1h30m is longer than the window (1h): no "
        "rollout could ever start");
}

TEST_CASE("malformed YAML, an empty file and missing sections") {
  CHECK(errorsOf("switch: {type: dry-run\n").starts_with("rollout.yaml:2:1: "));
  CHECK(errorsOf("") ==
        "rollout.yaml:1:1: empty file (expected switch, deploy, smoke, blue and monitor)");
  CHECK(errorsOf("report_dir: out\n") ==
        "rollout.yaml:1:1: missing required field switch\n"
        "rollout.yaml:1:1: missing required field deploy\n"
        "rollout.yaml:1:1: missing required field smoke\n"
        "rollout.yaml:1:1: missing required field blue\n"
        "rollout.yaml:1:1: missing required field monitor");
  CHECK(errorsOf("swtich: {}\n")
            .starts_with("rollout.yaml:1:1: unknown key \"swtich\"; did you mean switch?"));
}

TEST_CASE("the built-in deploy, a hook for blue, and JSON values in assertions") {
  std::string yaml = R"(switch: {type: nginx, upstream_file: /etc/nginx/upstream.conf}
deploy:
  kubernetes:
    namespace: production-green
    deployment: user-service-green
    container: user-service
    image: "nova/user-service:${NOVA_VERSION}"
smoke:
  base_url: "http://127.0.0.1:8081"
  health: false
  metrics: {path: /internal/metrics}
  steps:
    - name: typed
      url: /api/v1/streams/active
      assert:
        - {pointer: /total_count, equals: 0}
        - {pointer: /flag, equals: true}
        - {pointer: /label, equals: "0"}
blue:
  hook: {command: [systemctl, stop, "nova@blue"], timeout: 1m}
monitor: {agent_url: "http://127.0.0.1:9464", medium_max_wait: 0s}
bounds: {overall: 0s, green: 20m}
)";
  auto loaded = loadRolloutConfig(yaml, "rollout.yaml");
  REQUIRE_MESSAGE(loaded.ok(), (loaded.ok() ? "" : loaded.error().message));
  const RolloutConfig& c = *loaded;
  CHECK(c.deploy.kind == DeploySpec::Kind::kKubernetes);
  CHECK(c.deploy.image == "nova/user-service:${NOVA_VERSION}");
  CHECK_FALSE(c.smoke.health);
  CHECK(c.smoke.metricsPath == "/internal/metrics");
  const auto& a = c.smoke.steps[0].assertions;
  CHECK(a[0].expected == boost::json::value(0));
  CHECK(a[1].expected == boost::json::value(true));
  CHECK(a[2].expected == boost::json::value("0"));
  REQUIRE(c.blue.scaleDownHook.has_value());
  CHECK(c.blue.scaleDownHook->timeout == kMinute);
  CHECK(c.blue.deployment.empty());
  CHECK(c.bounds.mediumMaxWait == 0);
  CHECK(c.bounds.overall == 0);
  CHECK(c.bounds.green == 20 * kMinute);
}

}  // namespace
}  // namespace nova::rollout
