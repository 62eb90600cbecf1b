// The durable outbox and ledger files: nothing accepted is lost across a stop or a crash,
// and a damaged file never keeps the agent from starting.
#include "nova/notify/outbox.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "notify_test_support.h"
#include "nova/notify/ledger.h"

namespace nova::notify {
namespace {

using test::incident;

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

}  // namespace nova::notify
