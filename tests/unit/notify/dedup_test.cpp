// One page per incident: the same update is never posted twice, not even across a restart.
#include <doctest/doctest.h>

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

ReceiverPtr pagerDuty(const std::string& url, const std::string& stateFile) {
  auto made = makeReceiver({"pagerduty",
                            {{"routing_key", kRoutingKey},
                             {"url", url},
                             {"state_file", stateFile},
                             {"backoff", "10ms"}}});
  REQUIRE_MESSAGE(made.ok(), (made.ok() ? "" : made.error().message));
  return std::move(*made);
}

}  // namespace

TEST_CASE("the ledger remembers delivered updates in its file") {
  test::TempDir dir("ledger");
  const std::string path = dir.file("ledger.json");
  {
    auto ledger = IncidentLedger::open(path);
    REQUIRE(ledger.ok());
    REQUIRE((*ledger)->record(incident(NotificationKind::kIncidentOpened, Severity::kHigh)).ok());
    REQUIRE(
        (*ledger)->record(incident(NotificationKind::kIncidentOpened, Severity::kLow, "2-1")).ok());
    REQUIRE((*ledger)
                ->record(incident(NotificationKind::kIncidentResolved, Severity::kLow, "2-1"))
                .ok());
  }
  auto reopened = IncidentLedger::open(path);
  REQUIRE(reopened.ok());
  auto& ledger = **reopened;
  CHECK(ledger.delivered(incident(NotificationKind::kIncidentOpened, Severity::kHigh)));
  CHECK_FALSE(ledger.delivered(incident(NotificationKind::kIncidentOpened, Severity::kCritical)));
  CHECK(ledger.closed("2-1"));
  CHECK_FALSE(ledger.closed("1790000000000-1"));
  const auto open = ledger.openIncidents();
  REQUIRE(open.size() == 1);
  CHECK(open[0].incidentId == "1790000000000-1");
  CHECK(open[0].rules.at(0).threshold == 0.05);
  CHECK(ledger.recoveries() == 0);
}

TEST_CASE("PagerDuty: a restart in the middle of an incident triggers no second page") {
  test::TempDir dir("pd-restart");
  const std::string state = dir.file("pd.json");
  testing::PagerDutyDouble pd;
  auto server = CaptureReceiver::start(pd.responder());
  const std::string url = server->url("/v2/enqueue");
  const auto opened = incident(NotificationKind::kIncidentOpened, Severity::kCritical);
  {
    auto receiver = pagerDuty(url, state);
    REQUIRE(receiver->send(opened).ok());
    REQUIRE(receiver->send(opened).ok());  // the same state again: no second trigger
    REQUIRE(receiver->flush(5000));
    CHECK(receiver->stats().sent == 1);
    CHECK(receiver->stats().skipped == 1);
  }
  REQUIRE(server->count() == 1);
  CHECK(parse(server->requests()[0].body).at("dedup_key") == "1790000000000-1");
  CHECK(pd.pages() == 1);

  // The agent restarts; the restored incident is reported again.
  auto restarted = pagerDuty(url, state);
  REQUIRE(restarted->send(opened).ok());
  REQUIRE(restarted->flush(5000));
  CHECK(server->count() == 1);
  CHECK(restarted->stats().skipped == 1);

  // A new update of the same incident goes out under the same dedup_key: still one page.
  REQUIRE(restarted->send(incident(NotificationKind::kRollbackStarted, Severity::kCritical)).ok());
  REQUIRE(restarted->send(incident(NotificationKind::kIncidentResolved, Severity::kCritical)).ok());
  REQUIRE(restarted->flush(5000));
  const auto requests = server->requests();
  REQUIRE(requests.size() == 3);
  CHECK(parse(requests[1].body).at("event_action") == "trigger");
  CHECK(parse(requests[1].body).at("dedup_key") == "1790000000000-1");
  CHECK(parse(requests[2].body).at("event_action") == "resolve");
  CHECK(parse(requests[2].body).at("dedup_key") == "1790000000000-1");
  CHECK(pd.pages() == 1);
  CHECK(pd.state("1790000000000-1") == "resolved");

  // Late events of a closed incident never re-open it.
  REQUIRE(restarted->send(incident(NotificationKind::kEscalated, Severity::kCritical)).ok());
  REQUIRE(restarted->flush(5000));
  CHECK(server->count() == 3);
}

TEST_CASE("PagerDuty resolves only what it paged") {
  testing::PagerDutyDouble pd;
  auto server = CaptureReceiver::start(pd.responder());
  auto receiver = pagerDuty(server->url("/v2/enqueue"), "");
  auto medium = incident(NotificationKind::kIncidentResolved, Severity::kMedium, "9-1");
  REQUIRE(receiver->send(medium).ok());
  REQUIRE(receiver->flush(5000));
  CHECK(server->count() == 0);
  CHECK(receiver->stats().skipped == 1);
}

}  // namespace nova::notify
