// What `novactl rollout` refuses against the fake API server (exit 5, nothing written):
// a second rollout with another id while the first holds api-ingress's lease, and a start
// outside the deployment window unless the reason for overriding it is given, which the
// record then carries for kubectl and `novactl status` to read.
#include <doctest/doctest.h>

#include <array>
#include <boost/json.hpp>
#include <chrono>
#include <string>

#include "kube_site.h"

namespace nova {
namespace {

using namespace kube_site;

TEST_CASE("kube: two rollouts race for api-ingress: one proceeds, the other is refused") {
  KubeSite site("v1.2.4", {.monitor = "1s"});
  // Started together, each with its own id.
  auto a = site.novactl("r-race-a", "race-a", "v1.2.4");
  auto b = site.novactl("r-race-b", "race-b", "v1.2.4");
  const int codeA = exitStatus(a->waitExit(60s));
  const int codeB = exitStatus(b->waitExit(60s));
  INFO("race-a: " << a->log());
  INFO("race-b: " << b->log());
  REQUIRE_MESSAGE(((codeA == 0 && codeB == 5) || (codeA == 5 && codeB == 0)),
                  "exit codes " << codeA << " and " << codeB);
  const std::string winner = codeA == 0 ? "r-race-a" : "r-race-b";
  const std::string refused = codeA == 0 ? b->log() : a->log();
  // The refusal names who holds the lease, since when.
  CHECK(refused.find("rollout " + winner + " holds the lease since ") != std::string::npos);
  CHECK(site.api.backendPatches(kGreenService) == 1);
  CHECK(site.backendByKubectl() == kGreenService);
  const json::value status = site.status();
  CHECK(status.at_pointer("/record/rollout_id") == winner.c_str());
  CHECK(status.at_pointer("/record/phase") == "done");
  // Whether the two runs' lease writes collided (409) or the second read found it taken.
  const std::string writes = site.api.writes();
  int conflicts = 0;
  for (auto at = writes.find(" 409\n"); at != std::string::npos;
       at = writes.find(" 409\n", at + 1)) {
    ++conflicts;
  }
  MESSAGE("kube race: " << winner << " won; writes answered 409: " << conflicts);
}

// window.days without today and tomorrow (UTC), so the run cannot cross into an open day.
std::string daysWithoutTodayAndTomorrow() {
  static constexpr std::array<const char*, 7> kNames{"sun", "mon", "tue", "wed",
                                                     "thu", "fri", "sat"};
  const auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  const unsigned weekday = std::chrono::weekday(today).c_encoding();
  std::string days;
  for (unsigned d = 0; d < 7; ++d) {
    if (d != weekday && d != (weekday + 1) % 7) {
      days += std::string(days.empty() ? "[" : ", ") + kNames[d];
    }
  }
  return days + "]";
}

TEST_CASE("kube: outside the window the rollout is refused untouched; the override is recorded") {
  KubeSite site("v1.2.4", {.monitor = "1s", .windowDays = daysWithoutTodayAndTomorrow()});
  const std::string config = (site.dir / "rollout.yaml").string();
  auto refused = site.novactlWith(
      {"rollout", "-f", config, "--version", "v1.2.4", "--rollout-id", "r-window", "-o", "json"},
      "refused");
  const int refusedCode = exitStatus(refused->waitExit(30s));
  INFO("refused: " << refused->log());
  CHECK(refusedCode == 5);
  CHECK(refused->log().find("is not a deployment day") != std::string::npos);
  CHECK(refused->log().find("the next window opens ") != std::string::npos);
  // Nothing was written: no lease, no record, traffic on blue.
  CHECK(site.api.writes() == "");
  CHECK(site.backendByKubectl() == kBlueService);

  const std::string reason = "hotfix for the login outage, approved by on-call";
  auto overridden =
      site.novactlWith({"rollout", "-f", config, "--version", "v1.2.4", "--rollout-id", "r-window",
                        "--outside-window", reason, "-o", "json"},
                       "overridden");
  const int code = exitStatus(overridden->waitExit(60s));
  INFO("overridden: " << overridden->log());
  CHECK(code == 0);
  CHECK(site.api.backendPatches(kGreenService) == 1);
  const json::value status = site.status();
  CHECK(status.at_pointer("/record/window_override/reason") == reason.c_str());
  // kubectl reads the override on the Ingress's record.
  auto annotation = site.kubectl(
      "get ingress api-ingress -n production -o "
      "jsonpath='{.metadata.annotations.nova\\.io/rollout-window-override}'");
  REQUIRE_MESSAGE(annotation.status == 0, annotation.output);
  boost::system::error_code ec;
  const json::value recorded = json::parse(annotation.output, ec);
  REQUIRE_MESSAGE(!ec, annotation.output);
  CHECK(recorded.at("reason") == reason.c_str());
}

}  // namespace
}  // namespace nova
