// The nginx switch against a stand-in nginx (fake_nginx.h); the real nginx is in
// tests/integration/nginx. Every wait of the switch (the reload command's timeout, the
// verification's budget and pauses) runs on a ManualClock.
#include "nova/traffic/nginx_switch.h"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <future>

#include "fake_nginx.h"

namespace nova::traffic {
namespace {

using test::FakeNginx;
using test::Harness;

const RollbackRequest kRequest{"inc-7", "high: error rate 12%", "agent", 1000};

}  // namespace

TEST_CASE("nginx switch: flips the include to blue once, reloads, sees blue, then already blue") {
  Harness h;
  NginxSwitch sw = h.bare();
  auto before = sw.current();
  REQUIRE(before.ok());
  CHECK(std::string(toString(before->backend)) == "green");
  const std::size_t files = h.nginx.filesInDir();

  auto first = sw.rollback(kRequest);
  REQUIRE(first.ok());
  CHECK(std::string(toString(first->kind)) == "flipped");
  CHECK(first->detail == "nginx upstream " + (h.nginx.dir() / "upstream.conf").string() + ": " +
                             FakeNginx::kGreen + " -> blue " + h.nginx.blueAddress() + "; ran " +
                             h.nginx.settings().at("reload_command") + "; blue answered through " +
                             h.nginx.settings().at("verify_url") + " after 0 ms");
  CHECK(h.nginx.reloads() == 1);
  const std::string include = h.nginx.include();
  CHECK(include.find("server " + h.nginx.blueAddress() + ";\n") != std::string::npos);
  CHECK(include.find("incident inc-7 by agent: high: error rate 12%") != std::string::npos);
  CHECK(include.find(FakeNginx::kGreen) == std::string::npos);
  CHECK(h.nginx.filesInDir() == files);  // the temporary file was renamed, not left behind
  CHECK(std::string(toString(sw.current()->backend)) == "blue");

  auto second = sw.rollback(kRequest);
  REQUIRE(second.ok());
  CHECK(std::string(toString(second->kind)) == "already_blue");
  CHECK(h.nginx.reloads() == 1);
}

TEST_CASE("nginx switch: the include keeps its permission bits") {
  Harness h;
  const auto file = h.nginx.dir() / "upstream.conf";
  ::chmod(file.c_str(), 0640);
  NginxSwitch sw = h.bare();
  REQUIRE(sw.rollback(kRequest).ok());
  struct stat st {};
  REQUIRE(::stat(file.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0640);
}

TEST_CASE("nginx switch: behind the blue guard, an unhealthy or absent blue is never flipped to") {
  Harness h;
  auto sw = h.guarded();
  const std::string before = h.nginx.include();
  const std::string health = "http://" + h.nginx.blueAddress() + "/health";

  h.nginx.setBlueHealthy(false);
  auto unhealthy = sw->rollback(kRequest);
  REQUIRE(unhealthy.ok());
  CHECK(std::string(toString(unhealthy->kind)) == "impossible");
  CHECK(unhealthy->detail == "blue unhealthy: " + health + ": health: HTTP status 503, want 200");
  CHECK(h.nginx.include() == before);
  CHECK(h.nginx.reloads() == 0);

  h.nginx.stopBlue();
  auto gone = sw->rollback(kRequest);
  REQUIRE(gone.ok());
  CHECK(std::string(toString(gone->kind)) == "impossible");
  CHECK(gone->detail.starts_with("blue unhealthy: GET " + health + ": "));
  CHECK(h.nginx.include() == before);
  CHECK(std::string(toString(sw->current()->backend)) == "green");
}

TEST_CASE("nginx switch: behind the blue guard, a healthy blue is flipped to") {
  Harness h;
  auto sw = h.guarded();
  auto outcome = sw->rollback(kRequest);
  REQUIRE(outcome.ok());
  CHECK(std::string(toString(outcome->kind)) == "flipped");
  CHECK(h.nginx.reloads() == 1);
  // Traffic reads blue now: the guard is not asked again, even with blue gone.
  h.nginx.stopBlue();
  auto again = sw->rollback(kRequest);
  REQUIRE(again.ok());
  CHECK(std::string(toString(again->kind)) == "already_blue");
}

TEST_CASE("nginx switch: a failed reload is impossible and puts the old include back") {
  Harness h("echo 'nginx: [emerg] unexpected \"}\" in upstream.conf:2' >&2\nexit 1\n");
  NginxSwitch sw = h.bare();
  const std::string before = h.nginx.include();
  auto outcome = sw.rollback(kRequest);
  REQUIRE(outcome.ok());
  CHECK(std::string(toString(outcome->kind)) == "impossible");
  CHECK(outcome->detail == "nginx reload failed: reload command \"" +
                               h.nginx.settings().at("reload_command") +
                               "\" exited 1: nginx: [emerg] unexpected \"}\" in upstream.conf:2");
  CHECK(h.nginx.include() == before);
  CHECK(std::string(toString(sw.current()->backend)) == "green");
}

TEST_CASE("nginx switch: a reload command that hangs is killed at its timeout, in simulated time") {
  ManualClock clock(0);
  FakeNginx nginx("exec sleep 300\n");
  NginxSwitch sw(*parseNginxSettings(nginx.settings()), clock);
  auto outcome = std::async(std::launch::async, [&] { return sw.rollback(kRequest); });
  REQUIRE(clock.awaitWaiters(1));  // the reload command runs; the switch waits for it
  clock.advance(5 * kSecond);
  auto result = outcome.get();
  REQUIRE(result.ok());
  CHECK(std::string(toString(result->kind)) == "impossible");
  CHECK(result->detail == "nginx reload failed: reload command \"" +
                              nginx.settings().at("reload_command") +
                              "\": still running after 5s, killed");
  CHECK(std::string(toString(sw.current()->backend)) == "green");
}

TEST_CASE("nginx switch: blue never answering through nginx is impossible, within the bound") {
  Harness h("true\n");  // "reloads" without loading the include
  NginxSwitch sw = h.bare();
  const MonoTime start = h.clock.monoNow();
  auto outcome = sw.rollback(kRequest);
  REQUIRE(outcome.ok());
  CHECK(std::string(toString(outcome->kind)) == "impossible");
  CHECK(outcome->detail ==
        "blue never answered through nginx: " + h.nginx.settings().at("verify_url") +
            " still gave 200 with X-Nova-Color: green after 400ms (ran " +
            h.nginx.settings().at("reload_command") + ")");
  // A probe every 20 ms of the clock until the 400 ms budget is spent.
  CHECK(h.nginx.probes() == 20);
  CHECK(h.clock.monoNow() - start == 380);
}

TEST_CASE("nginx switch: an include naming blue that nginx does not serve is reloaded again") {
  Harness h;
  h.nginx.setInclude("server " + h.nginx.blueAddress() + ";\n");
  NginxSwitch sw = h.bare();
  CHECK(std::string(toString(sw.current()->backend)) == "blue");
  auto outcome = sw.rollback(kRequest);
  REQUIRE(outcome.ok());
  CHECK(std::string(toString(outcome->kind)) == "flipped");
  CHECK(outcome->detail.find("blue named but not served -> blue") != std::string::npos);
  CHECK(h.nginx.reloads() == 1);
}

TEST_CASE(
    "nginx switch: pid file problems are reload failures; unknown servers and "
    "missing includes are told apart") {
  Harness h;
  auto s = h.nginx.settings();
  s.erase("reload_command");
  s["pid_file"] = (h.nginx.dir() / "missing.pid").string();
  NginxSwitch sw(*parseNginxSettings(s), h.clock);
  auto outcome = sw.rollback(kRequest);
  REQUIRE(outcome.ok());
  CHECK(std::string(toString(outcome->kind)) == "impossible");
  CHECK(outcome->detail == "nginx reload failed: nginx pid file: cannot open " + s["pid_file"] +
                               ": No such file or directory");

  std::ofstream(h.nginx.dir() / "bad.pid") << "not a pid\n";
  s["pid_file"] = (h.nginx.dir() / "bad.pid").string();
  NginxSwitch badPid(*parseNginxSettings(s), h.clock);
  auto noPid = badPid.rollback(kRequest);
  REQUIRE(noPid.ok());
  CHECK(noPid->detail == "nginx reload failed: nginx pid file " + s["pid_file"] + " holds no pid");

  // A pid no process has (above any pid_max): the signal finds no one.
  std::ofstream(h.nginx.dir() / "dead.pid") << "2147483647\n";
  s["pid_file"] = (h.nginx.dir() / "dead.pid").string();
  NginxSwitch deadPid(*parseNginxSettings(s), h.clock);
  auto noProcess = deadPid.rollback(kRequest);
  REQUIRE(noProcess.ok());
  CHECK(noProcess->detail == "nginx reload failed: SIGHUP to nginx master 2147483647 (from " +
                                 s["pid_file"] + "): No such process");

  s.erase("pid_file");
  s["reload_command"] = "/nonexistent/nginx -s reload";
  NginxSwitch noBinary(*parseNginxSettings(s), h.clock);
  auto notRun = noBinary.rollback(kRequest);
  REQUIRE(notRun.ok());
  CHECK(notRun->detail ==
        "nginx reload failed: reload command \"/nonexistent/nginx -s reload\": No such file or "
        "directory");

  h.nginx.setInclude(
      "# two servers: neither blue nor green alone\nserver 10.0.0.9:80 "
      "max_fails=3;\n");
  auto other = sw.current();
  REQUIRE(other.ok());
  CHECK(std::string(toString(other->backend)) == "unknown");
  CHECK(other->detail.find("server 10.0.0.9:80") != std::string::npos);

  std::filesystem::remove(h.nginx.dir() / "upstream.conf");
  auto gone = sw.current();
  REQUIRE_FALSE(gone.ok());
  CHECK(gone.error().code == ErrorCode::kNotFound);
  auto missing = sw.rollback(kRequest);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::kNotFound);
  CHECK(missing.error().message == "nginx upstream: cannot open " +
                                       (h.nginx.dir() / "upstream.conf").string() +
                                       ": No such file or directory");
}

}  // namespace nova::traffic
