// Real sockets on loopback: the slow source is a listener that never answers, so these
// tests wait on real time (bounded by the budgets below, well under a second each).
#include "nova/remote/query_runner.h"

#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>

#include "nova/http/server.h"
#include "nova/remote/rounds.h"

namespace nova::remote {
namespace {

// A Prometheus stand-in on port 0: answers `up` with one sample at the asked time and
// anything else with a 400, and counts what it saw.
struct FakePrometheus {
  std::atomic<int> requests{0};
  std::unique_ptr<http::Server> server;

  FakePrometheus() {
    auto started = http::Server::start({}, [this](const http::ServerRequest& r) {
      ++requests;
      http::ServerResponse response;
      response.contentType = "application/json";
      if (r.method == "POST" && r.path == "/api/v1/query" &&
          r.body.rfind("query=up&time=12.5&", 0) == 0) {
        response.body = R"({"status":"success","data":{"resultType":"vector","result":[)"
                        R"({"metric":{"__name__":"up"},"value":[12.5,"1"]}]}})";
      } else {
        response.status = 400;
        response.body = R"({"status":"error","errorType":"bad_data","error":"no"})";
      }
      return response;
    });
    REQUIRE(started.ok());
    server = std::move(started).value();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server->port()); }
};

// Accepts connections into its backlog and never answers.
struct SilentListener {
  int fd = -1;
  int port = 0;
  SilentListener() {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(fd, 16) == 0);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    port = ntohs(addr.sin_port);
  }
  ~SilentListener() { ::close(fd); }
};

SourceConfig sourceAt(std::string name, std::string url) {
  SourceConfig s;
  s.name = std::move(name);
  s.url = std::move(url);
  s.timeout = 5 * kSecond;
  return s;
}

TEST_CASE("a batch answers by its budget: ok, HTTP error, silent, refused") {
  FakePrometheus prometheus;
  SilentListener silent;
  SystemClock clock;
  const SourceConfig good = sourceAt("good", prometheus.url());
  const SourceConfig hung = sourceAt("hung", "http://127.0.0.1:" + std::to_string(silent.port));
  // A port that was free a moment ago: nothing listens there.
  SilentListener closed;
  const SourceConfig gone = sourceAt("gone", "http://127.0.0.1:" + std::to_string(closed.port));
  ::close(closed.fd);
  closed.fd = ::socket(AF_INET, SOCK_STREAM, 0);

  QueryRunner runner(clock, 8);
  const std::vector<QueryTask> tasks{
      {&good, "up", 12500}, {&good, "nope", 12500}, {&hung, "up", 12500}, {&gone, "up", 12500}};
  const MonoTime start = clock.monoNow();
  const auto outcomes = runner.run(tasks, 400);
  const DurationMs took = clock.monoNow() - start;
  CHECK(took < 400 + 200);
  REQUIRE(outcomes.size() == 4);
  REQUIRE(outcomes[0].answer.ok());
  CHECK(std::get<promql::Vector>(outcomes[0].answer->value).at(0).v == 1);
  CHECK((outcomes[1].outcome == Outcome::kHttpError));
  CHECK(outcomes[1].answer.error().message == "HTTP 400 bad_data: no");
  CHECK((outcomes[2].outcome == Outcome::kTimeout));
  CHECK(outcomes[2].answer.error().code == ErrorCode::kTimeout);
  CHECK((outcomes[3].outcome == Outcome::kUnreachable));
  CHECK(outcomes[3].answer.error().message.rfind("unreachable: ", 0) == 0);
}

TEST_CASE("at most maxConcurrent in flight: queries behind a hung one do not start") {
  SilentListener silent;
  SystemClock clock;
  const SourceConfig hung = sourceAt("hung", "http://127.0.0.1:" + std::to_string(silent.port));
  QueryRunner runner(clock, 1);
  const std::vector<QueryTask> tasks{{&hung, "a", 0}, {&hung, "b", 0}};
  const auto outcomes = runner.run(tasks, 200);
  // Its own timeout was cut to the budget: curl or the budget ends it, a timeout either way.
  CHECK(outcomes[0].answer.error().code == ErrorCode::kTimeout);
  CHECK(outcomes[0].answer.error().message.rfind("timeout: ", 0) == 0);
  CHECK(outcomes[1].answer.error().message ==
        "timeout: not started within the round's budget of 200 ms");
}

TEST_CASE("rounds run off the caller's thread and publish the newest answers") {
  FakePrometheus prometheus;
  SystemClock clock;
  std::atomic<int> observed{0};
  RemoteRounds rounds(SourceSet({sourceAt("main", prometheus.url())}), RoundOptions{4, 1000, 5000},
                      clock, [&](const std::string& source, Outcome outcome, DurationMs) {
                        CHECK(source == "main");
                        CHECK((outcome == Outcome::kOk));
                        ++observed;
                      });
  const std::vector<rules::RemoteQuery> wanted{{"prometheus", "up"}, {"elsewhere", "up"}};
  // Before the first round: no answer yet.
  auto before = rounds.answersFor(wanted, 12500);
  CHECK(before.at(wanted[0]).error().message == "no remote answer yet");
  rounds.request(wanted, 12500);
  REQUIRE(rounds.waitIdle(5 * kSecond));
  auto after = rounds.answersFor(wanted, 13500);
  REQUIRE(after.at(wanted[0]).ok());
  CHECK(std::get<promql::Vector>(*after.at(wanted[0])).at(0).t == 12500);
  CHECK(after.at(wanted[1]).error().message == "not configured");
  CHECK(observed == 1);
  // Too old for a tick much later.
  auto late = rounds.answersFor(wanted, 12500 + 6000);
  CHECK(late.at(wanted[0]).error().message == "remote answer is 6000 ms old");
  CHECK(rounds.status().at("main").queries == 1);
  CHECK(rounds.status().at("main").failures == 0);
}

}  // namespace
}  // namespace nova::remote
