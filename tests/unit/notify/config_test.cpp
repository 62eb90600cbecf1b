#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "notify_test_support.h"
#include "nova/notify/receiver.h"
#include "nova/notify/route.h"
#include "nova/notify/secret.h"

namespace nova::notify {
namespace {

NotifyDeps fakeEnv(std::map<std::string, std::string> vars) {
  NotifyDeps deps;
  deps.secrets.getenv = [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  return deps;
}

}  // namespace

TEST_CASE("default routes: pagers get critical and high, the rest every severity") {
  using test::incident;
  const Route pager = Route::defaultFor("pagerduty");
  const Route slack = Route::defaultFor("slack");
  for (auto [severity, pages] : {std::pair{Severity::kCritical, true},
                                 {Severity::kHigh, true},
                                 {Severity::kMedium, false},
                                 {Severity::kLow, false}}) {
    CAPTURE(toString(severity));
    const auto n = incident(NotificationKind::kIncidentOpened, severity);
    CHECK(pager.accepts(n) == pages);
    CHECK(Route::defaultFor("alertmanager").accepts(n) == pages);
    CHECK(slack.accepts(n));
  }
  Notification hold;
  hold.kind = NotificationKind::kHold;
  CHECK(slack.accepts(hold));
  CHECK_FALSE(pager.accepts(hold));
}

TEST_CASE("routes narrow by severities and kinds, with did-you-mean on typos") {
  auto route = Route::fromSettings("slack", {{"severities", "[critical, high]"},
                                             {"kinds", "incident_opened, rollback_impossible"}});
  REQUIRE(route.ok());
  CHECK(route->accepts(test::incident(NotificationKind::kIncidentOpened, Severity::kHigh)));
  CHECK_FALSE(route->accepts(test::incident(NotificationKind::kIncidentOpened, Severity::kLow)));
  CHECK_FALSE(route->accepts(test::incident(NotificationKind::kRollbackDone, Severity::kHigh)));
  auto typo = Route::fromSettings("slack", {{"severities", "critcal"}});
  REQUIRE_FALSE(typo.ok());
  CHECK(typo.error().code == ErrorCode::kInvalidInput);
  CHECK(typo.error().message ==
        "severities: unknown value \"critcal\"; did you mean \"critical\"?");
  auto kind = Route::fromSettings("slack", {{"kinds", "rollback_don"}});
  REQUIRE_FALSE(kind.ok());
  CHECK(kind.error().message.find("did you mean \"rollback_done\"") != std::string::npos);
}

TEST_CASE("a Secret prints as <redacted> and redact() removes values from text") {
  const Secret secret("xoxb-very-secret-token");
  std::ostringstream out;
  out << secret;
  CHECK(out.str() == "<redacted>");
  CHECK(toString(secret) == "<redacted>");
  CHECK(redact("POST https://h/xoxb-very-secret-token: refused", {secret}) ==
        "POST https://h/<redacted>: refused");
  CHECK(redact("abc", {Secret("ab")}) == "abc");  // too short to redact safely
}

TEST_CASE("secrets come from exactly one of the value, a file or an environment variable") {
  const std::string path = std::string(NOVA_SOURCE_DIR) + "/build-notify-secret-test.txt";
  { std::ofstream(path) << "file-secret-value\n"; }
  SecretSources env;
  env.getenv = [](const std::string& name) -> std::optional<std::string> {
    return name == "PD_KEY" ? std::optional<std::string>("env-secret-value") : std::nullopt;
  };
  auto fromFile = readSecret({{"routing_key_file", path}}, "routing_key", env);
  REQUIRE(fromFile.ok());
  CHECK((*fromFile)->reveal() == "file-secret-value");
  auto fromEnv = readSecret({{"routing_key_env", "PD_KEY"}}, "routing_key", env);
  REQUIRE(fromEnv.ok());
  CHECK((*fromEnv)->reveal() == "env-secret-value");
  CHECK_FALSE(readSecret({}, "routing_key", env)->has_value());
  auto both = readSecret({{"routing_key", "a"}, {"routing_key_env", "PD_KEY"}}, "routing_key", env);
  REQUIRE_FALSE(both.ok());
  CHECK(both.error().code == ErrorCode::kInvalidInput);
  CHECK(both.error().message ==
        "set only one of routing_key, routing_key_file and routing_key_env");
  auto unset = readSecret({{"routing_key_env", "NOPE"}}, "routing_key", env);
  REQUIRE_FALSE(unset.ok());
  CHECK(unset.error().code == ErrorCode::kNotFound);
  CHECK(unset.error().message == "routing_key_env: environment variable NOPE is not set");
  auto blank = readSecret({{"routing_key", " \n"}}, "routing_key", env);
  REQUIRE_FALSE(blank.ok());
  CHECK(blank.error().code == ErrorCode::kInvalidInput);
  CHECK(blank.error().message == "routing_key: the secret is empty");
  std::remove(path.c_str());
  auto missing = readSecret({{"routing_key_file", path}}, "routing_key", env);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::kNotFound);
  CHECK(missing.error().message == "routing_key_file: cannot read the secret file (cannot open " +
                                       path + ": No such file or directory)");
}

TEST_CASE("makeReceiver validates each type's settings, naming the type and the key") {
  const auto deps = fakeEnv({{"SLACK_URL", "https://hooks.example/services/T1/B2/abcdef"}});
  auto slack =
      makeReceiver({"slack", {{"webhook_url_env", "SLACK_URL"}, {"name", "deploys"}}}, deps);
  REQUIRE(slack.ok());
  CHECK((*slack)->name() == "slack:deploys");
  auto typo =
      makeReceiver({"slack", {{"webhook_url_env", "SLACK_URL"}, {"severites", "high"}}}, deps);
  REQUIRE_FALSE(typo.ok());
  CHECK(typo.error().code == ErrorCode::kInvalidInput);
  CHECK(typo.error().message ==
        "notifier slack: unknown setting \"severites\"; did you mean \"severities\"?");
  auto noUrl = makeReceiver({"slack", {}}, deps);
  REQUIRE_FALSE(noUrl.ok());
  CHECK(noUrl.error().code == ErrorCode::kInvalidInput);
  CHECK(noUrl.error().message ==
        "notifier slack: webhook_url: missing (set webhook_url, webhook_url_file or "
        "webhook_url_env)");
  auto noAm = makeReceiver({"alertmanager", {}}, deps);
  REQUIRE_FALSE(noAm.ok());
  CHECK(noAm.error().code == ErrorCode::kInvalidInput);
  CHECK(noAm.error().message ==
        "notifier alertmanager: url: missing (the Alertmanager base URL, e.g. "
        "http://alertmanager:9093)");
  auto badInterval =
      makeReceiver({"alertmanager", {{"url", "http://a:9093"}, {"resend_interval", "1q"}}}, deps);
  REQUIRE_FALSE(badInterval.ok());
  CHECK(badInterval.error().code == ErrorCode::kInvalidInput);
  CHECK(badInterval.error().message.find("notifier alertmanager: resend_interval: ") == 0);
  auto shortInterval =
      makeReceiver({"alertmanager", {{"url", "http://a:9093"}, {"resend_interval", "1ms"}}}, deps);
  REQUIRE_FALSE(shortInterval.ok());
  CHECK(shortInterval.error().message ==
        "notifier alertmanager: resend_interval: must be at least 1s");
  auto attempts =
      makeReceiver({"alertmanager", {{"url", "http://a:9093"}, {"max_attempts", "-1"}}}, deps);
  REQUIRE_FALSE(attempts.ok());
  CHECK(attempts.error().message ==
        "notifier alertmanager: max_attempts: expected a positive integer, got \"-1\"");
  auto timeout =
      makeReceiver({"alertmanager", {{"url", "http://a:9093"}, {"timeout", "0s"}}}, deps);
  REQUIRE_FALSE(timeout.ok());
  CHECK(timeout.error().message == "notifier alertmanager: timeout: must be positive");
  auto pd = makeReceiver({"pagerduty", {{"routing_key_env", "PD"}}}, deps);
  REQUIRE_FALSE(pd.ok());
  CHECK(pd.error().code == ErrorCode::kNotFound);
  CHECK(pd.error().message ==
        "notifier pagerduty: routing_key_env: environment variable PD is not set");
  auto type = makeNotifier({"pagerduy", {}});
  REQUIRE_FALSE(type.ok());
  CHECK(type.error().code == ErrorCode::kInvalidInput);
  CHECK(type.error().message ==
        "notifier: unknown type \"pagerduy\"; did you mean \"pagerduty\"? (known: log, slack, "
        "pagerduty, alertmanager, webhook)");
  auto scheme = makeReceiver({"webhook", {{"url", "ftp://x"}}}, deps);
  REQUIRE_FALSE(scheme.ok());
  CHECK(scheme.error().code == ErrorCode::kInvalidInput);
  CHECK(scheme.error().message == "notifier webhook: url: scheme \"ftp\" is not http or https");
  auto relative = makeReceiver({"pagerduty", {{"routing_key", "k"}, {"url", "/v2/enqueue"}}}, deps);
  REQUIRE_FALSE(relative.ok());
  CHECK(relative.error().message ==
        "notifier pagerduty: url: not an absolute URL (expected http://host[:port]/path or "
        "https://...)");
}

TEST_CASE("a state directory that is not a directory is a start-up error naming the file") {
  test::TempDir dir("state-not-dir");
  std::filesystem::create_directory(dir.file("notify-alertmanager.json"));
  NotifyDeps deps;
  deps.stateDir = dir.path();
  auto made = makeReceiver({"alertmanager", {{"url", "http://a:9093"}}}, deps);
  REQUIRE_FALSE(made.ok());
  CHECK(made.error().code == ErrorCode::kInvalidInput);
  CHECK(made.error().message ==
        "notifier alertmanager: notify ledger: " + dir.file("notify-alertmanager.json") +
            ": is a directory, not a state file");
}

TEST_CASE("a setting error never shows the secret's value") {
  const std::string secret = "https://hooks.example/services/T1/B2/SECRETPART";
  auto bad = makeReceiver({"slack", {{"webhook_url", secret}, {"timeout", "soon"}}});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.find("SECRETPART") == std::string::npos);
  auto wrongScheme = makeReceiver({"webhook", {{"url", "gopher://SECRETPART"}}});
  REQUIRE_FALSE(wrongScheme.ok());
  CHECK(wrongScheme.error().message.find("SECRETPART") == std::string::npos);
}

}  // namespace nova::notify
