#include <doctest/doctest.h>

#include "nova/traffic/blue_guard.h"
#include "nova/traffic/nginx_switch.h"

namespace nova::traffic {
namespace {

std::map<std::string, std::string> minimal() {
  return {{"upstream_file", "/run/nova/upstream.conf"},
          {"blue", "127.0.0.1:8081"},
          {"green", "127.0.0.1:8082"},
          {"pid_file", "/run/nova/nginx.pid"},
          {"verify_url", "http://127.0.0.1:8080/health"}};
}

// The refusal's message; every refusal of a setting is invalid input.
std::string errorOf(const std::map<std::string, std::string>& settings) {
  auto parsed = parseNginxSettings(settings);
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.error().code == ErrorCode::kInvalidInput);
  return parsed.error().message;
}

}  // namespace

TEST_CASE("nginx settings: the minimal set gets the documented defaults") {
  auto o = parseNginxSettings(minimal());
  REQUIRE(o.ok());
  CHECK(o->upstreamFile == "/run/nova/upstream.conf");
  CHECK(o->blueHealthUrl == "http://127.0.0.1:8081/health");
  CHECK(o->verifyHeader == "X-Nova-Color");
  CHECK(o->verifyValue == "blue");
  CHECK(o->verifyTimeout == 5 * kSecond);
  CHECK(o->healthTimeout == 2 * kSecond);
  CHECK(o->reloadCommand.empty());
}

TEST_CASE("nginx settings: reload command is split on spaces, durations parsed") {
  auto s = minimal();
  s.erase("pid_file");
  s["reload_command"] = "nginx  -p /srv/x -c /srv/x/nginx.conf -s reload";
  s["verify_timeout"] = "1500ms";
  s["verify_header"] = "X-Nova-Version";
  s["verify_value"] = "v1.2.3";
  s["blue_health_url"] = "http://127.0.0.1:9000/healthz";
  auto o = parseNginxSettings(s);
  REQUIRE(o.ok());
  CHECK(o->reloadCommand == std::vector<std::string>{"nginx", "-p", "/srv/x", "-c",
                                                     "/srv/x/nginx.conf", "-s", "reload"});
  CHECK(o->verifyTimeout == 1500);
  CHECK(o->verifyHeader == "X-Nova-Version");
  CHECK(o->verifyValue == "v1.2.3");
  CHECK(o->blueHealthUrl == "http://127.0.0.1:9000/healthz");
}

TEST_CASE("nginx settings: each mistake is named") {
  auto s = minimal();
  s.erase("verify_url");
  CHECK(errorOf(s) == "switch: nginx setting \"verify_url\": required");

  s = minimal();
  s["blue"] = "127.0.0.1";
  CHECK(errorOf(s).find("\"blue\": \"127.0.0.1\" is not HOST:PORT") != std::string::npos);

  s = minimal();
  s["green"] = s["blue"];
  CHECK(errorOf(s).find("same address as blue") != std::string::npos);

  s = minimal();
  s["reload_command"] = "nginx -s reload";
  CHECK(errorOf(s).find("exactly one of \"pid_file\" and \"reload_command\"") != std::string::npos);

  s = minimal();
  s["verify_timeout"] = "soon";
  CHECK(errorOf(s).find("\"verify_timeout\": \"soon\" is not a positive duration") !=
        std::string::npos);

  s = minimal();
  s["verify_url"] = "127.0.0.1:8080/health";
  CHECK(errorOf(s) ==
        "switch: nginx setting \"verify_url\": \"<invalid URL>\" is not an http:// or https:// "
        "URL: not an absolute URL (expected http://host[:port]/path or https://...)");

  s = minimal();
  s["blue_health_url"] = "ftp://ops:hunter2@blue/health";
  CHECK(errorOf(s) ==
        "switch: nginx setting \"blue_health_url\": \"ftp://ops:<redacted>@blue/health\" "
        "is not an http:// or https:// URL: scheme \"ftp\" is not http or https");

  s = minimal();
  s["pidfile"] = "/x";
  const std::string unknown = errorOf(s);
  CHECK(unknown.find("no setting \"pidfile\"; did you mean \"pid_file\"?") != std::string::npos);
  CHECK(unknown.find("known: upstream_file, blue") != std::string::npos);
}

TEST_CASE("makeSwitch builds the nginx switch and passes its errors on") {
  ManualClock clock;
  SequenceRandom random;
  auto made = makeSwitch({"nginx", minimal()}, clock, random);
  REQUIRE(made.ok());
  // The nginx switch, behind the blue guard that checks blue's /health.
  CHECK(dynamic_cast<GuardedSwitch*>(made->get()) != nullptr);

  auto bad = makeSwitch({"nginx", {{"blue", "x"}}}, clock, random);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == ErrorCode::kInvalidInput);
  CHECK(bad.error().message == "switch: nginx setting \"blue\": \"x\" is not HOST:PORT");

  auto typo = makeSwitch({"nginxx", {}}, clock, random);
  REQUIRE_FALSE(typo.ok());
  CHECK(typo.error().code == ErrorCode::kInvalidInput);
  CHECK(typo.error().message.find("did you mean \"nginx\"?") != std::string::npos);
}

}  // namespace nova::traffic
