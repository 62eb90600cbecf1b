// The durable outbox: nothing accepted is lost across a stop or a crash, nothing delivered
// is posted twice, and a damaged file never keeps the agent from starting.
#include "nova/notify/outbox.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "capture_receiver.h"
#include "doubles.h"
#include "notify_test_support.h"
#include "nova/notify/ledger.h"

namespace nova::notify {
namespace {

using test::incident;
using test::parse;
using testing::CaptureReceiver;

constexpr const char* kRoutingKey = "R0UT1NG0KEY0FAKE0123456789abcdef";

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void overwrite(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::trunc) << text;
}

std::vector<std::string> pendingIds(const Outbox& outbox) {
  std::vector<std::string> ids;
  for (const auto& entry : outbox.pending()) {
    ids.push_back(entry.notification.incidentId + "/" +
                  std::string(toString(entry.notification.kind)));
  }
  return ids;
}

std::unique_ptr<Outbox> openOutbox(const std::string& path) {
  auto opened = Outbox::open(path);
  REQUIRE_MESSAGE(opened.ok(), (opened.ok() ? "" : opened.error().message));
  return std::move(*opened);
}

}  // namespace

TEST_CASE("a page that failed before a stop is delivered after the restart, exactly once") {
  ManualClock clock(test::kT0);
  SequenceRandom random({0.0});
  test::TempDir dir("outbox-restart");
  testing::PagerDutyDouble pd;
  auto server = CaptureReceiver::start(pd.responder(), &clock);
  NotifyDeps deps;
  deps.clock = &clock;
  deps.random = &random;
  deps.stateDir = dir.path();
  const NotifierConfig config{
      "pagerduty",
      {{"routing_key", kRoutingKey}, {"url", server->url("/v2/enqueue")}, {"backoff", "10s"}}};
  const auto opened = incident(NotificationKind::kIncidentOpened, Severity::kCritical);
  const std::string outboxFile = dir.file("notify-pagerduty.outbox");

  // PagerDuty fails; the agent stops while the page waits for its retry.
  server->script({http::ServerResponse{503, "application/json", {}, "{\"status\":\"busy\"}"}});
  {
    auto receiver = makeReceiver(config, deps);
    REQUIRE(receiver.ok());
    REQUIRE((*receiver)->send(opened).ok());
    REQUIRE(test::awaitNextAttempt(**receiver, clock) == 5000);
    CHECK((*receiver)->stats().pending == 1);
    CHECK((*receiver)->stats().dropped == 0);
  }
  CHECK(server->count() == 1);
  CHECK(pd.pages() == 0);
  CHECK(pendingIds(*openOutbox(outboxFile)) ==
        std::vector<std::string>{"1790000000000-1/incident_opened"});

  // The restarted receiver delivers it under the same dedup key.
  {
    auto receiver = makeReceiver(config, deps);
    REQUIRE(receiver.ok());
    REQUIRE((*receiver)->flush(5000));
    CHECK((*receiver)->stats().sent == 1);
    CHECK((*receiver)->stats().pending == 0);
  }
  REQUIRE(server->count() == 2);
  CHECK(parse(server->requests()[1].body).at("dedup_key") == "1790000000000-1");
  CHECK(pd.pages() == 1);
  CHECK(openOutbox(outboxFile)->size() == 0);

  // A crash after the post and before the outbox heard of it: the entry is offered again
  // and the ledger skips it.
  {
    auto outbox = openOutbox(outboxFile);
    REQUIRE(outbox->add(opened, clock.now(), clock.monoNow()).written.ok());
  }
  {
    auto receiver = makeReceiver(config, deps);
    REQUIRE(receiver.ok());
    REQUIRE((*receiver)->flush(5000));
    CHECK((*receiver)->stats().skipped == 1);
    CHECK((*receiver)->stats().pending == 0);
  }
  CHECK(server->count() == 2);
  CHECK(pd.pages() == 1);
}

TEST_CASE("the outbox appends durably, replays pending entries in order and compacts") {
  test::TempDir dir("outbox-file");
  const std::string path = dir.file("r.outbox");
  {
    auto outbox = openOutbox(path);
    CHECK(outbox->durable());
    CHECK(slurp(path) == "{\"nova_outbox\":1}\n");
    const auto a = outbox->add(incident(NotificationKind::kIncidentOpened, Severity::kHigh, "1-1"),
                               test::kT0, MonoTime(5));
    const auto b = outbox->add(incident(NotificationKind::kRollbackStarted, Severity::kHigh, "1-1"),
                               test::kT0 + 1, MonoTime(6));
    REQUIRE(a.written.ok());
    REQUIRE(b.written.ok());
    CHECK(b.id == a.id + 1);
    REQUIRE(outbox->done(a.id, "delivered").ok());
    CHECK(outbox->oldestAge(test::kT0 + 9999, MonoTime(106)) == 100);
  }
  auto reopened = openOutbox(path);
  CHECK(pendingIds(*reopened) == std::vector<std::string>{"1-1/rollback_started"});
  CHECK(reopened->recoveries() == 0);
  // Replayed entries age by wall time, the one clock that spans the restart.
  CHECK(reopened->oldestAge(test::kT0 + 61, MonoTime(0)) == 60);
  // Ids go on from where the file left them.
  const auto c =
      reopened->add(incident(NotificationKind::kEscalated, Severity::kHigh, "1-1"), 0, MonoTime(0));
  CHECK(c.id == reopened->pending().front().id + 1);
  // One compaction and a few records after it (each record is an fsync, so few of them).
  for (std::size_t i = 0; i < Outbox::kCompactAfter + 8; ++i) {
    const auto added =
        reopened->add(incident(NotificationKind::kHold, Severity::kNone, ""), 0, MonoTime(0));
    REQUIRE(reopened->done(added.id, "delivered").ok());
  }
  std::size_t lines = 0;
  for (char ch : slurp(path)) {
    lines += ch == '\n' ? 1 : 0;
  }
  CHECK(lines == 1 + 2 + 2 * 8);
  CHECK(reopened->size() == 2);
}

TEST_CASE("an outbox with damaged lines keeps what it and its previous copy still show") {
  test::LogCapture logs;
  test::TempDir dir("outbox-damaged");
  const std::string path = dir.file("r.outbox");
  std::uint64_t first = 0;
  {
    auto outbox = openOutbox(path);
    first = outbox
                ->add(incident(NotificationKind::kIncidentOpened, Severity::kHigh, "1-1"),
                      test::kT0, MonoTime(0))
                .id;
  }
  {
    // Reopening compacts: "<path>.prev" now holds the file with the first entry.
    auto outbox = openOutbox(path);
    (void)outbox->add(incident(NotificationKind::kIncidentOpened, Severity::kHigh, "2-1"),
                      test::kT0, MonoTime(0));
  }
  // The line of the first entry is damaged in place; the second one is fine.
  std::string text = slurp(path);
  const auto firstLine = text.find("{\"add\":" + std::to_string(first));
  REQUIRE(firstLine != std::string::npos);
  text.replace(firstLine, 10, "#garbage#!");
  overwrite(path, text);

  auto recovered = openOutbox(path);
  CHECK(recovered->recoveries() == 1);
  CHECK(pendingIds(*recovered) ==
        std::vector<std::string>{"1-1/incident_opened", "2-1/incident_opened"});
  CHECK(std::filesystem::exists(path + ".corrupt"));
  CHECK(logs.text().find("notify outbox " + path + ": 1 unreadable lines; moved to " + path +
                         ".corrupt; 2 pending notifications recovered (1 from " + path +
                         ".prev)") != std::string::npos);
  // The rewritten file is clean.
  CHECK(openOutbox(path)->recoveries() == 0);
}

TEST_CASE("an empty outbox file recovers from the previous copy; a torn last line is no damage") {
  test::TempDir dir("outbox-empty");
  const std::string path = dir.file("r.outbox");
  {
    auto outbox = openOutbox(path);
    (void)outbox->add(incident(NotificationKind::kIncidentOpened, Severity::kHigh, "1-1"), 0,
                      MonoTime(0));
  }
  (void)openOutbox(path);  // compacts, so the previous copy holds the entry
  overwrite(path, "");
  auto fromPrevious = openOutbox(path);
  CHECK(fromPrevious->recoveries() == 1);
  CHECK(pendingIds(*fromPrevious) == std::vector<std::string>{"1-1/incident_opened"});
  fromPrevious.reset();

  // A crash in the middle of an add leaves half a line: that send never returned.
  std::ofstream(path, std::ios::app) << "{\"add\":99,\"at\":17,\"ev";
  auto torn = openOutbox(path);
  CHECK(torn->recoveries() == 0);
  CHECK(pendingIds(*torn) == std::vector<std::string>{"1-1/incident_opened"});
  // The next add starts on a line of its own.
  (void)torn->add(incident(NotificationKind::kRollbackDone, Severity::kHigh, "1-1"), 0,
                  MonoTime(0));
  torn.reset();
  CHECK(pendingIds(*openOutbox(path)) ==
        std::vector<std::string>{"1-1/incident_opened", "1-1/rollback_done"});
}

TEST_CASE("a damaged ledger recovers from its previous copy, or starts empty") {
  test::LogCapture logs;
  test::TempDir dir("ledger-damaged");
  const std::string path = dir.file("l.json");
  {
    auto ledger = IncidentLedger::open(path);
    REQUIRE(ledger.ok());
    REQUIRE((*ledger)->record(incident(NotificationKind::kIncidentOpened, Severity::kHigh)).ok());
    REQUIRE((*ledger)->record(incident(NotificationKind::kRollbackDone, Severity::kHigh)).ok());
  }
  for (const char* damage : {"", "{\"incidents\":[{\"id\":1}]}", "not json"}) {
    CAPTURE(std::string(damage));
    // The previous copy holds the ledger before its last record.
    overwrite(path, damage);
    auto ledger = IncidentLedger::open(path);
    REQUIRE(ledger.ok());
    CHECK((*ledger)->recoveries() == 1);
    CHECK((*ledger)->delivered(incident(NotificationKind::kIncidentOpened, Severity::kHigh)));
    CHECK(std::filesystem::exists(path + ".corrupt"));
    // It wrote itself back, so the next start is clean; record the update the copy forgot.
    REQUIRE((*ledger)->record(incident(NotificationKind::kRollbackDone, Severity::kHigh)).ok());
    REQUIRE((*IncidentLedger::open(path))->recoveries() == 0);
  }
  CHECK(logs.text().find("notify ledger " + path + ": empty file; moved to " + path +
                         ".corrupt and recovered from the previous copy " + path +
                         ".prev (1 incidents)") != std::string::npos);
  overwrite(path, "garbage");
  overwrite(path + ".prev", "garbage too");
  auto empty = IncidentLedger::open(path);
  REQUIRE(empty.ok());
  CHECK((*empty)->recoveries() == 1);
  CHECK((*empty)->openIncidents().empty());
  CHECK(logs.text().find("notify ledger " + path + ": not a ledger file; moved to " + path +
                         ".corrupt and recovered from nothing (starting empty) (0 incidents)") !=
        std::string::npos);
}

TEST_CASE("a receiver over a damaged ledger and outbox starts, and counts both") {
  test::LogCapture logs;
  test::TempDir dir("receiver-damaged");
  overwrite(dir.file("notify-alertmanager.json"), "");
  overwrite(dir.file("notify-alertmanager.outbox"), "\x01\x02garbage\n");
  NotifyDeps deps;
  deps.stateDir = dir.path();
  auto made = makeReceiver({"alertmanager", {{"url", "http://127.0.0.1:9/"}}}, deps);
  REQUIRE_MESSAGE(made.ok(), (made.ok() ? "" : made.error().message));
  CHECK((*made)->stats().recovered == 2);
  CHECK((*made)->stats().pending == 0);
  CHECK(logs.text().find("[warning] notify ledger") != std::string::npos);
  CHECK(logs.text().find("[warning] notify outbox") != std::string::npos);
}

}  // namespace nova::notify
