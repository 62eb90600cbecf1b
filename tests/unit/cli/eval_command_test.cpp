#include "nova/cli/eval_command.h"

#include <doctest/doctest.h>

#include <sstream>
#include <thread>

#include "nova/http/server.h"

namespace nova::cli {
namespace {

const std::string kMetrics = NOVA_SOURCE_DIR "/tests/unit/cli/data/metrics.prom";

}  // namespace

TEST_CASE("eval scrapes a file on the clock's schedule and evaluates at the last scrape") {
  ManualClock clock(1'700'000'000'000);
  EvalOptions options;
  options.expr = "count_over_time(requests_total[1m])";
  options.file = kMetrics;
  options.scrapes = 2;
  options.interval = 10 * kSecond;
  options.output = "json";
  std::ostringstream out;
  std::ostringstream err;
  int status = -1;
  std::thread run([&] { status = runEval(options, out, err, clock); });
  // One sleep between the two scrapes, so one waiter to wake (with a second sleep, the
  // first waiter could still be counted when the test advances again).
  REQUIRE(clock.awaitWaiters(1));
  clock.advance(10 * kSecond);
  run.join();
  CHECK(status == 0);
  CHECK(err.str().empty());
  CHECK(out.str() ==
        R"({"resultType":"vector","result":[{"metric":{"path":"/a"},"value":[1700000010,"2"]}]})"
        "\n");
}

TEST_CASE(
    "a file that cannot be read is a failed scrape (up 0, exit 3); a bad expression exits 1") {
  ManualClock clock;
  EvalOptions options;
  options.expr = "up";
  options.file = NOVA_SOURCE_DIR "/tests/unit/cli/data/nope.prom";
  std::ostringstream out;
  std::ostringstream err;
  CHECK(runEval(options, out, err, clock) == kEvalScrapeFailed);
  CHECK(out.str() == "up  0\n");
  CHECK(err.str() == "warning: scrape 1: cannot open " NOVA_SOURCE_DIR
                     "/tests/unit/cli/data/nope.prom: No such file or directory\n"
                     "error: 1 of 1 scrapes failed\n");
  std::ostringstream badOut;
  std::ostringstream badErr;
  options.expr = "rate(x[5q])";
  CHECK(runEval(options, badOut, badErr, clock) == 1);
  CHECK(badErr.str().rfind("error: ", 0) == 0);
  CHECK(badOut.str().empty());
}

TEST_CASE("a scrape answered with an HTTP error is a failed scrape named by its status") {
  auto server = http::Server::start({}, [](const http::ServerRequest&) {
    return http::ServerResponse{503, "text/plain", {}, "busy\n"};
  });
  REQUIRE(server.ok());
  ManualClock clock;
  EvalOptions options;
  options.expr = "up";
  options.url = "http://127.0.0.1:" + std::to_string((*server)->port()) + "/metrics";
  std::ostringstream out;
  std::ostringstream err;
  CHECK(runEval(options, out, err, clock) == kEvalScrapeFailed);
  CHECK(out.str() == "up  0\n");
  CHECK(err.str() ==
        "warning: scrape 1: GET " + options.url + ": HTTP 503\nerror: 1 of 1 scrapes failed\n");
}

TEST_CASE("a gate on an empty answer: passes by default, fails with --fail-if-empty") {
  ManualClock clock;
  EvalOptions options;
  options.expr = "requests_total > 1e12";  // a threshold nothing crosses: empty
  options.file = kMetrics;
  std::ostringstream out;
  std::ostringstream err;
  CHECK(runEval(options, out, err, clock) == kEvalOk);
  options.failIfEmpty = true;
  std::ostringstream gateErr;
  CHECK(runEval(options, out, gateErr, clock) == kEvalEmpty);
  CHECK(gateErr.str() == "error: the answer is empty (--fail-if-empty)\n");
  options.expr = "requests_total";
  std::ostringstream someErr;
  CHECK(runEval(options, out, someErr, clock) == kEvalOk);
  options.expr = "vector(1) > 2";  // an empty vector from a function, too
  CHECK(runEval(options, out, someErr, clock) == kEvalEmpty);
  options.expr = "1";  // a scalar is never empty
  CHECK(runEval(options, out, someErr, clock) == kEvalOk);
}

}  // namespace nova::cli
