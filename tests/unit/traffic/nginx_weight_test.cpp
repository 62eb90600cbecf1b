// The nginx switch's weights against the stand-in nginx (fake_nginx.h), which shares its
// answers between blue and green by the `weight=` of the include it loaded.
#include <doctest/doctest.h>

#include "fake_nginx.h"
#include "nginx_files.h"
#include "nova/traffic/nginx_switch.h"

namespace nova::traffic {
namespace {

using test::FakeNginx;
using test::Harness;

TEST_CASE("nginx weights: green 100 -> 25 -> 0, each compare-and-swapped, reloaded and seen") {
  Harness h;
  NginxSwitch sw = h.bare();
  auto start = sw.greenWeight();
  REQUIRE(start.ok());
  CHECK(start->percent == 100);

  auto staged = sw.setGreenWeight(100, 25);
  REQUIRE_MESSAGE(staged.ok(), staged.error().message);
  const std::string include = h.nginx.include();
  CHECK(include.find("server " + h.nginx.blueAddress() + " weight=75;\n") != std::string::npos);
  CHECK(include.find("server " + FakeNginx::kGreen + " weight=25;\n") != std::string::npos);
  CHECK(h.nginx.reloads() == 1);
  // The switch saw both sides answer through nginx before it returned.
  CHECK(h.nginx.answered("blue") >= 1);
  CHECK(h.nginx.answered("green") >= 1);
  auto at25 = sw.greenWeight();
  REQUIRE(at25.ok());
  CHECK(at25->percent == 25);
  CHECK(at25->detail == "nginx upstream " + (h.nginx.dir() / "upstream.conf").string() +
                            ": blue weight=75, green weight=25");
  CHECK(std::string(toString(sw.current()->backend)) == "unknown");
  CHECK(sw.current()->detail.find(": server " + h.nginx.blueAddress() + " weight=75, " +
                                  FakeNginx::kGreen + " weight=25") != std::string::npos);

  auto blue = sw.setGreenWeight(25, 0);
  REQUIRE_MESSAGE(blue.ok(), blue.error().message);
  CHECK(h.nginx.include().find("server " + h.nginx.blueAddress() + ";\n") != std::string::npos);
  CHECK(std::string(toString(sw.current()->backend)) == "blue");
  CHECK(h.nginx.reloads() == 2);
}

TEST_CASE("nginx weights: a stale expected weight changes nothing") {
  Harness h;
  NginxSwitch sw = h.bare();
  const std::string before = h.nginx.include();
  auto stale = sw.setGreenWeight(25, 0);
  REQUIRE_FALSE(stale.ok());
  CHECK(stale.error().code == ErrorCode::kConflict);
  CHECK(stale.error().message.find("green's weight is 100, not the 25 expected; nothing changed") !=
        std::string::npos);
  CHECK(h.nginx.include() == before);
  CHECK(h.nginx.reloads() == 0);
  auto outOfRange = sw.setGreenWeight(100, 101);
  REQUIRE_FALSE(outOfRange.ok());
  CHECK(outOfRange.error().code == ErrorCode::kInvalidInput);
}

TEST_CASE("nginx weights: a failed reload puts the old include back") {
  Harness h("exit 3\n");
  NginxSwitch sw = h.bare();
  const std::string before = h.nginx.include();
  auto failed = sw.setGreenWeight(100, 25);
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error().message.rfind("nginx reload failed: ", 0) == 0);
  CHECK(h.nginx.include() == before);
}

TEST_CASE("nginx weights: the plan names the include and the reload, and writes nothing") {
  Harness h;
  NginxSwitch sw = h.bare();
  const std::string before = h.nginx.include();
  auto plan = sw.planGreenWeight(25);
  REQUIRE(plan.ok());
  CHECK(plan->find("server " + h.nginx.blueAddress() + " weight=75;\nserver " + FakeNginx::kGreen +
                   " weight=25;\nthen reload nginx: " + h.nginx.settings().at("reload_command")) !=
        std::string::npos);
  CHECK(h.nginx.include() == before);
}

TEST_CASE("nginx include: server lines with weights are parsed, anything else is not a split") {
  const auto servers = detail::upstreamServerWeights(
      "# note\nserver 10.0.0.1:80 weight=3 max_fails=2;\nserver 10.0.0.2:80;\n"
      "server 10.0.0.3:80 weight=x;\n");
  REQUIRE(servers.size() == 3);
  CHECK(servers[0].address == "10.0.0.1:80");
  CHECK(servers[0].weight == 3);
  CHECK(servers[1].weight == 1);
  CHECK(servers[2].weight == 0);
  CHECK(detail::renderWeightedUpstream("b:1", 75, "g:1", 25, "line\nbreak") ==
        "# line break\nserver b:1 weight=75;\nserver g:1 weight=25;\n");
}

}  // namespace
}  // namespace nova::traffic
