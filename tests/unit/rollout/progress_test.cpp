#include "nova/rollout/progress.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <pty.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <sstream>

#include "nova/core/clock.h"

namespace nova::rollout {
namespace {

constexpr TimestampMs kAt = 1'796'263'200'000;  // 2026-12-03T02:00:00Z

EngineEvent ev(TimestampMs at, std::string phase, std::string step, std::string result,
               std::string detail = "") {
  return EngineEvent{at, std::move(phase), std::move(step), std::move(result), std::move(detail)};
}

TEST_CASE("not on a terminal: one plain line per event, as CI logs them") {
  ManualClock clock(kAt);
  std::ostringstream out;
  ProgressPrinter p(out, false, clock);
  p.event(ev(kAt, "pre-flight", "start", "info", "rollout r-1 of v1.2.4 starts"));
  p.event(ev(kAt + 61 * kSecond, "pre-flight", "blue-ready", "ok"));
  p.finish();
  CHECK(out.str() ==
        "02:00:00 pre-flight start: info - rollout r-1 of v1.2.4 starts\n"
        "02:01:01 pre-flight blue-ready: ok\n");
}

TEST_CASE("on a terminal: one line per phase rewritten in place with its elapsed time") {
  ManualClock clock(kAt);
  std::ostringstream out;
  ProgressPrinter p(out, true, clock, 60);
  p.event(ev(kAt, "smoke", "start", "info"));
  clock.advance(65 * kSecond);
  p.event(ev(kAt + 65 * kSecond, "smoke", "smoke:health", "ok", "200\nhealthy"));
  p.event(ev(kAt + 65 * kSecond, "smoke", "smoke:metrics", "failed", "no /metrics"));
  clock.advance(kSecond);
  p.event(ev(kAt + 66 * kSecond, "switch", "start", "info",
             "a detail far too long for a line of sixty columns on this terminal"));
  p.finish();
  p.finish();  // idempotent
  CHECK(out.str() ==
        "\r\033[K02:00:00 smoke [0s] start: info"
        "\r\033[K02:01:05 smoke [1m5s] smoke:health: ok - 200 healthy"
        "\r\033[K02:01:05 smoke [1m5s] smoke:metrics: failed - no /metrics\n"
        "\r\033[K02:01:06 switch [0s] start: info - a detail far too long fo\n");
}

TEST_CASE("a pty is a progress terminal unless TERM is dumb; a pipe never is") {
  int master = -1;
  int slave = -1;
  REQUIRE(::openpty(&master, &slave, nullptr, nullptr, nullptr) == 0);
  const char* term = std::getenv("TERM");
  const std::string saved = term != nullptr ? term : "";
  ::setenv("TERM", "xterm", 1);
  CHECK(isProgressTerminal(slave));
  ::setenv("TERM", "dumb", 1);
  CHECK_FALSE(isProgressTerminal(slave));
  if (term != nullptr) {
    ::setenv("TERM", saved.c_str(), 1);
  } else {
    ::unsetenv("TERM");
  }
  winsize size{};
  size.ws_col = 132;
  REQUIRE(::ioctl(slave, TIOCSWINSZ, &size) == 0);
  CHECK(terminalColumns(slave) == 132);
  ::close(master);
  ::close(slave);
  int pipeFds[2];
  REQUIRE(::pipe(pipeFds) == 0);
  CHECK_FALSE(isProgressTerminal(pipeFds[1]));
  CHECK(terminalColumns(pipeFds[1], 77) == 77);
  ::close(pipeFds[0]);
  ::close(pipeFds[1]);
}

}  // namespace
}  // namespace nova::rollout
