// Alertmanager receiver against a local double: resend while active, resolve by endsAt.
#include <doctest/doctest.h>

#include "capture_receiver.h"
#include "doubles.h"
#include "notify_test_support.h"
#include "nova/core/rfc3339.h"
#include "nova/notify/alertmanager_notifier.h"

namespace nova::notify {

using test::incident;
using test::parse;

// The RFC 3339 text as a JSON value, to compare with fields of a parsed body.
boost::json::value rfc(TimestampMs at) {
  return boost::json::value(formatRfc3339(at));
}
using testing::CaptureReceiver;

TEST_CASE("Alertmanager: fire, re-send every interval, move severity, resolve by endsAt") {
  ManualClock clock(test::kT0 + 5000);
  SequenceRandom random({0.0});
  NotifyDeps deps;
  deps.clock = &clock;
  deps.random = &random;
  auto am = CaptureReceiver::start(testing::jsonOkDouble());
  auto made = makeReceiver({"alertmanager",
                            {{"url", am->url("/")},
                             {"service", "user-service"},
                             {"namespace", "production"},
                             {"version", "2.4.1"}}},
                           deps);
  REQUIRE(made.ok());
  auto& receiver = **made;
  CHECK_FALSE(receiver.accepts(incident(NotificationKind::kIncidentOpened, Severity::kMedium)));

  REQUIRE(receiver.send(incident(NotificationKind::kIncidentOpened, Severity::kHigh)).ok());
  REQUIRE(receiver.flush(5000));
  REQUIRE(am->count() == 1);
  auto first = am->requests()[0];
  CHECK(first.path == "/api/v2/alerts");
  CHECK(*first.header("Content-Type") == "application/json");
  auto alerts = parse(first.body);
  REQUIRE(alerts.as_array().size() == 1);
  CHECK(alerts.at(0).at("startsAt") == rfc(test::kT0));
  CHECK(alerts.at(0).at("endsAt") == rfc(test::kT0 + 5000 + 4 * kMinute));

  clock.advance(30 * kSecond);
  receiver.tick(clock.now());  // not due yet
  REQUIRE(receiver.flush(5000));
  CHECK(am->count() == 1);
  clock.advance(31 * kSecond);
  receiver.tick(clock.now());
  REQUIRE(receiver.flush(5000));
  REQUIRE(am->count() == 2);
  alerts = parse(am->requests()[1].body);
  CHECK(alerts.at(0).at("labels").at("severity") == "high");
  CHECK(alerts.at(0).at("endsAt") == rfc(clock.now() + 4 * kMinute));

  // A new severity is a new label set: the old one is resolved in the same post.
  REQUIRE(receiver.send(incident(NotificationKind::kSeverityChanged, Severity::kCritical)).ok());
  REQUIRE(receiver.flush(5000));
  REQUIRE(am->count() == 3);
  alerts = parse(am->requests()[2].body);
  REQUIRE(alerts.as_array().size() == 2);
  CHECK(alerts.at(0).at("labels").at("severity") == "high");
  CHECK(alerts.at(0).at("endsAt") == rfc(clock.now()));
  CHECK(alerts.at(1).at("labels").at("severity") == "critical");
  CHECK(alerts.at(1).at("startsAt") == rfc(test::kT0));

  clock.advance(10 * kSecond);
  REQUIRE(receiver.send(incident(NotificationKind::kIncidentResolved, Severity::kCritical)).ok());
  REQUIRE(receiver.flush(5000));
  REQUIRE(am->count() == 4);
  const TimestampMs resolvedAt = clock.now();
  alerts = parse(am->requests()[3].body);
  REQUIRE(alerts.as_array().size() == 1);
  CHECK(alerts.at(0).at("labels").at("severity") == "critical");
  CHECK(alerts.at(0).at("endsAt") == rfc(resolvedAt));

  // The resolution is repeated for five minutes, then the alert is forgotten.
  clock.advance(61 * kSecond);
  receiver.tick(clock.now());
  REQUIRE(receiver.flush(5000));
  REQUIRE(am->count() == 5);
  CHECK(parse(am->requests()[4].body).at(0).at("endsAt") == rfc(resolvedAt));
  clock.advance(5 * kMinute);
  receiver.tick(clock.now());
  REQUIRE(receiver.flush(5000));
  CHECK(am->count() == 5);
  CHECK(receiver.stats().sent == 5);
}

}  // namespace nova::notify
