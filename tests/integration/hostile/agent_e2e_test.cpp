// The real nova-agent against a green target that cycles through every hostile mode: the
// agent stays up, its memory stays bounded, it counts every failure, and it never calls
// the target healthy or itself ready.
#include <doctest/doctest.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <thread>

#include "agent_support.h"
#include "nova/hostile/peer.h"
#include "probe_run.h"

namespace nova::hostile::test {
namespace {

constexpr int kSecondsPerMode = 3;
// Two capped transfers in flight (health and scrape), each near three caps at its peak
// (see the memory test), over a baseline of a few MiB.
constexpr long kMaxPeakRssKib = 128 * 1024;

bool statusSaysHealthy(const boost::json::value& status) {
  const auto& target = status.at("target");
  for (const char* kind : {"health", "scrape"}) {
    const auto& probe = target.at(kind);
    if (probe.is_object() && (probe.at("ok").as_bool() || !probe.at("last_ok_at").is_null())) {
      return true;
    }
  }
  return status.at("ready").as_bool();
}

}  // namespace

TEST_CASE("nova-agent survives a target cycling through every hostile mode") {
  Peer peer(Mode::kSlowHeaders);
  AgentProcess agent(peer.url("/health"), peer.url("/metrics"));
  REQUIRE(agent.waitUntilServing(15'000));
  const long startRssKib = procStatusKib("VmRSS:", agent.pid());
  long maxRssKib = startRssKib;
  int statusChecks = 0;

  for (Mode mode : hostileModes()) {
    peer.setMode(mode);
    INFO("mode " << toString(mode));
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(kSecondsPerMode);
    while (std::chrono::steady_clock::now() < until) {
      REQUIRE(agent.running());
      maxRssKib = std::max(maxRssKib, procStatusKib("VmRSS:", agent.pid()));
      CHECK(agent.get("/readyz").status != 200);
      const auto status = agent.get("/status");
      REQUIRE(status.status == 200);
      const auto json = boost::json::parse(status.body);
      CHECK_FALSE(statusSaysHealthy(json));
      ++statusChecks;
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
  }

  const long peakKib = procStatusKib("VmHWM:", agent.pid());
  MESSAGE("agent RSS: start " << startRssKib << " KiB, max sampled " << maxRssKib
                              << " KiB, peak (VmHWM) " << peakKib << " KiB, end "
                              << procStatusKib("VmRSS:", agent.pid()) << " KiB; peer took "
                              << peer.connections() << " connections");
  CHECK(statusChecks > 0);
  CHECK(peakKib < kMaxPeakRssKib);

  const auto metrics = agent.metrics();
  CHECK(metrics.sum("nova_agent_probes_total", {{"kind", "health"}, {"result", "ok"}}) == 0);
  CHECK(metrics.sum("nova_agent_probes_total", {{"kind", "scrape"}, {"result", "ok"}}) == 0);
  // Health every 500 ms and a scrape every second, less the ones skipped while a slow one ran.
  CHECK(metrics.sum("nova_agent_probes_total", {{"kind", "health"}, {"result", "failed"}}) >=
        static_cast<double>(hostileModes().size()));
  CHECK(metrics.sum("nova_agent_probes_total", {{"kind", "scrape"}, {"result", "failed"}}) >=
        static_cast<double>(hostileModes().size()));
  CHECK(metrics.sum("nova_agent_ready") == 0);
  CHECK(agent.terminate(5000) == 0);
}

}  // namespace nova::hostile::test
