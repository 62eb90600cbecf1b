// A 100 MB body, an endless body and a 1 MiB line must cost the prober no more than its
// 16 MiB response cap (times the growth steps of one buffer) while they last, and nothing
// once they are over. The peer runs as its own process, so only the prober's memory counts.
#include <doctest/doctest.h>
#include <malloc.h>

#include <string>

#include "nova/hostile/peer.h"
#include "nova/testing/child_process.h"
#include "probe_run.h"

namespace nova::hostile::test {
namespace {

constexpr long kCapKib = 16 * 1024;

// AddressSanitizer's quarantine keeps freed memory resident, so RSS says nothing there; the
// modes still run (for the sanitizer), only the bounds are not checked.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kRssMeaningful = false;
#else
constexpr bool kRssMeaningful = true;
#endif

struct Footprint {
  long growthKib;      // VmRSS after the probe and scrape, minus before
  long peakGrowthKib;  // VmHWM during them, minus VmRSS before
};

class PeerProcess {
 public:
  PeerProcess() : child_({.argv = {NOVA_HOSTILE_PEER_BIN, "healthy"}, .pipeStdin = true}) {
    port_ = child_.waitForPort(10 * kSecond);
    REQUIRE(port_ > 0);
  }
  std::string url(const char* path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  void setMode(Mode mode) {
    child_.writeLine(std::string(toString(mode)));
    REQUIRE_FALSE(child_.waitForLine("mode " + std::string(toString(mode)), 5 * kSecond).empty());
  }

 private:
  testing::ChildProcess child_;
  int port_ = 0;
};

void runOnce(const std::string& healthUrl, const std::string& metricsUrl, bool expectOk) {
  ProbeRun run(hostileTarget(healthUrl, metricsUrl));
  const TimestampMs start = SystemClock().now();
  const bool health = !healthUrl.empty();
  const bool metrics = !metricsUrl.empty();
  while (SystemClock().now() - start < kMetricsTimeout + kSlack &&
         ((health && !run.health()) || (metrics && !run.scrape()))) {
    run.poll(20);
  }
  CHECK((!health || (run.health() && run.health()->ok == expectOk)));
  CHECK((!metrics || (run.scrape() && run.scrape()->ok == expectOk)));
}

Footprint measure(PeerProcess& peer, Mode mode, bool health, bool metrics) {
  // Curl and allocator set-up is paid once, against the healthy control, before measuring.
  peer.setMode(Mode::kHealthy);
  runOnce(peer.url("/health"), peer.url("/metrics"), true);
  peer.setMode(mode);
  resetPeakRss();
  const long before = procStatusKib("VmRSS:");
  runOnce(health ? peer.url("/health") : "", metrics ? peer.url("/metrics") : "", false);
  // glibc raises its mmap and trim thresholds after freeing a large mapped block, so a
  // later body's freed buffer can stay in the heap until the next trim; trimming first makes
  // "after" measure what is still allocated, not what the allocator keeps cached.
  ::malloc_trim(0);
  const Footprint out{procStatusKib("VmRSS:") - before, procStatusKib("VmHWM:") - before};
  const std::string what = std::string(toString(mode)) + (health ? " health" : "") +
                           (metrics ? " metrics" : "") + ": peak +" +
                           std::to_string(out.peakGrowthKib) + " KiB, after +" +
                           std::to_string(out.growthKib) + " KiB";
  MESSAGE(what);
  return out;
}

}  // namespace

TEST_CASE("huge, endless and long-line bodies cost at most a few caps while they last") {
  PeerProcess peer;
  for (Mode mode :
       {Mode::kHugeBody, Mode::kHugeBodyDeclared, Mode::kEndlessChunked, Mode::kLongLine}) {
    for (auto [health, metrics] :
         {std::pair{false, true}, std::pair{true, false}, std::pair{true, true}}) {
      INFO("mode " << toString(mode) << ", health " << health << ", metrics " << metrics);
      const Footprint f = measure(peer, mode, health, metrics);
      // A body grows by doubling and the allocator keeps freed steps resident for a while,
      // so one capped transfer may peak near three caps; once over, it costs nothing.
      const long transfers = (health ? 1 : 0) + (metrics ? 1 : 0);
      if (kRssMeaningful) {
        CHECK(f.growthKib < 4 * 1024);
        CHECK(f.peakGrowthKib < transfers * 3 * kCapKib + 8 * 1024);
      }
    }
  }
}

}  // namespace nova::hostile::test
