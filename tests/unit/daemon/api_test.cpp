#include <doctest/doctest.h>

#include <atomic>
#include <optional>
#include <thread>

#include "daemon_shared.h"

namespace nova::daemon::detail {
namespace {

http::ServerRequest post(std::string path, std::string body, const std::string& token = "",
                         const std::string& scheme = "Bearer ") {
  http::ServerRequest r;
  r.method = "POST";
  r.path = std::move(path);
  r.body = std::move(body);
  if (!token.empty()) {
    r.headers.emplace_back("Authorization", scheme + token);
  }
  return r;
}

// Answers commands on a thread of its own, as the loop does, on simulated time.
struct FakeLoop {
  FakeLoop() : inbox(clock, [this] { woken = true; }) {}
  void answerOne(const CommandReply& reply) {
    for (auto& pending : inbox.takeCommands()) {
      seen.push_back(pending.command);
      inbox.answer(pending, reply);
    }
  }
  ManualClock clock{1000};
  std::atomic<bool> woken{false};
  Inbox inbox;
  std::vector<Command> seen;
};

}  // namespace

TEST_CASE("read endpoints: metrics, healthz, readyz, status; others 404/405") {
  AgentMetrics metrics("1.2.3");
  Published published;
  FakeLoop loop;
  ApiContext ctx{loop.clock, metrics, published, loop.inbox, std::nullopt, 100};
  auto handler = makeApiHandler(ctx);
  http::ServerRequest get;
  get.method = "GET";

  get.path = "/metrics";
  auto m = handler(get);
  CHECK(m.status == 200);
  CHECK(m.body.find(R"(nova_agent_build_info{version="1.2.3"} 1)") != std::string::npos);

  get.path = "/healthz";
  CHECK(handler(get).status == 503);  // no loop heartbeat yet
  published.heartbeat = loop.clock.monoNow().ms();
  CHECK(handler(get).status == 200);
  loop.clock.advance(4999);
  CHECK(handler(get).status == 200);
  loop.clock.advance(1);  // the loop has not come round for 5 s
  CHECK(handler(get).body == "loop stalled\n");
  loop.clock.setWall(0);  // a wall-clock step changes nothing
  published.heartbeat = loop.clock.monoNow().ms();
  CHECK(handler(get).status == 200);

  get.path = "/readyz";
  CHECK(handler(get).status == 503);
  published.ready = true;
  CHECK(handler(get).status == 200);

  get.path = "/status";
  published.setStatus(R"({"ready":true})");
  CHECK(handler(get).body == R"({"ready":true})");

  get.path = "/nope";
  CHECK(handler(get).status == 404);
  CHECK(handler(post("/status", "")).status == 405);
  // The command API is off without a token.
  CHECK(handler(post("/v1/rollback", "{}")).status == 404);
}

TEST_CASE("commands need the bearer token and wait for the loop's answer") {
  AgentMetrics metrics("t");
  Published published;
  FakeLoop loop;
  ApiContext ctx{loop.clock, metrics, published, loop.inbox, std::string("tok"), 2000};
  auto handler = makeApiHandler(ctx);

  CHECK(handler(post("/v1/hold", R"({"for":"10m"})")).status == 401);
  CHECK(handler(post("/v1/hold", R"({"for":"10m"})", "wrong")).status == 403);
  CHECK(handler(post("/v1/hold", R"({"for":"10m"})", "tok", "Basic ")).status == 401);
  CHECK(handler(post("/v1/hold", R"({"for":"10m"})", "tok", "Bearertok")).status == 401);
  // The scheme is case-insensitive and may be followed by several spaces.
  CHECK(handler(post("/v1/hold", R"({"for":"ten"})", "tok", "bearer ")).status == 400);
  CHECK(handler(post("/v1/hold", R"({"for":"ten"})", "tok", "BEARER   ")).status == 400);
  CHECK(handler(post("/v1/hold", R"({"for":"ten"})", "tok")).status == 400);
  CHECK(handler(post("/v1/hold", "", "tok")).status == 400);

  std::thread answer([&] {
    while (!loop.woken) {
      std::this_thread::yield();
    }
    loop.answerOne({200, R"({"ok":true})"});
  });
  auto r = handler(post("/v1/hold", R"({"for":"10m","who":"dan","reason":"freeze"})", "tok"));
  answer.join();
  CHECK(r.status == 200);
  CHECK(r.body == R"({"ok":true})");
  REQUIRE(loop.seen.size() == 1);
  CHECK(loop.seen[0].holdFor == 10 * kMinute);
  CHECK(loop.seen[0].who == "dan");
  CHECK(loop.seen[0].reason == "freeze");

  // Nobody answers now: the handler gives up after the timeout, in simulated time.
  std::optional<http::ServerResponse> late;
  std::thread waiting([&] { late = handler(post("/v1/release", "", "tok")); });
  REQUIRE(loop.clock.awaitWaiters(1));
  loop.clock.advance(1999);
  CHECK_FALSE(late.has_value());
  loop.clock.advance(1);
  waiting.join();
  REQUIRE(late.has_value());
  CHECK(late->status == 503);
  CHECK(late->body.find("did not answer in time") != std::string::npos);
}

TEST_CASE("command parsing") {
  auto rollback = parseCommand(Command::Kind::kRollback, "");
  REQUIRE(rollback.ok());
  CHECK(rollback->who == "api");
  const auto errorOf = [](Command::Kind kind, std::string_view body) {
    auto parsed = parseCommand(kind, body);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().code == ErrorCode::kInvalidInput);
    return parsed.error().message;
  };
  CHECK(errorOf(Command::Kind::kRollback, "[1]") == "body: must be a JSON object");
  CHECK(errorOf(Command::Kind::kRollback, R"({"who":5})") == "who: must be a string");
  CHECK(errorOf(Command::Kind::kHold, " ") ==
        R"(body: {"for":"10m","who":...,"reason":...} is required)");
  CHECK(errorOf(Command::Kind::kHold, R"({"for":"0s"})") ==
        R"(for: must be a positive duration such as "10m")");
}

TEST_CASE("a hold covers up to high unless it names critical") {
  auto plain = parseCommand(Command::Kind::kHold, R"({"for":"10m"})");
  REQUIRE(plain.ok());
  CHECK((plain->holdCovers == Severity::kHigh));
  auto critical = parseCommand(Command::Kind::kHold, R"({"for":"10m","covers":"critical"})");
  REQUIRE(critical.ok());
  CHECK((critical->holdCovers == Severity::kCritical));
  auto wrong = parseCommand(Command::Kind::kHold, R"({"for":"10m","covers":"everything"})");
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.error().message == "covers: must be low, medium, high or critical");
}

}  // namespace nova::daemon::detail
