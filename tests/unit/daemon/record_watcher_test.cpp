// The agent reads the rollout record from the Ingress it guards, through its own
// Kubernetes client, against the fake API server (the Kubernetes side of arming).
#include "record_watcher.h"

#include <doctest/doctest.h>

#include <boost/json.hpp>

#include "nova/core/clock.h"
#include "nova/fake_kube/fake_kube.h"
#include "nova/rollout/record_codec.h"

namespace nova::daemon {
namespace {

namespace json = boost::json;

// The Ingress as novactl's switch to green leaves it: backend green, record annotations.
std::string ingress(const std::string& service, const rollout::Annotations& annotations) {
  json::object meta{{"name", "api-ingress"}, {"namespace", "production"}};
  json::object notes;
  for (const auto& [k, v] : annotations) {
    notes[k] = v;
  }
  meta["annotations"] = std::move(notes);
  json::value backend = {{"service", {{"name", service}, {"port", {{"number", 8081}}}}}};
  json::object path{{"path", "/"}, {"pathType", "Prefix"}, {"backend", backend}};
  return json::serialize(
      json::object{{"apiVersion", "networking.k8s.io/v1"},
                   {"kind", "Ingress"},
                   {"metadata", std::move(meta)},
                   {"spec", {{"rules", json::array{{{"http", {{"paths", json::array{path}}}}}}}}}});
}

rollout::Annotations recordOf(rollout::Phase phase, std::optional<TimestampMs> switchedAt) {
  rollout::Record record;
  record.rolloutId = "r-kube";
  record.version = "v1.2.4";
  record.phase = phase;
  record.startedAt = 1000;
  record.switchedAt = switchedAt;
  record.revision = 3;
  auto encoded = rollout::encodeRecord(record);
  REQUIRE(encoded.ok());
  return *encoded;
}

struct Api {
  explicit Api(const std::string& object) {
    fake_kube::Options options;
    options.clock = &clock;
    auto started = fake_kube::FakeKube::start(options);
    REQUIRE(started.ok());
    server = std::move(*started);
    REQUIRE(server->seed(object).ok());
  }
  traffic::SwitchConfig config() const {
    return {"kubernetes-ingress",
            {{"server", server->url()},
             {"namespace", "production"},
             {"ingress", "api-ingress"},
             {"blue_service", "user-service-blue"},
             {"green_service", "user-service-green"},
             {"attempts", "1"}}};
  }
  SystemClock clock;
  std::unique_ptr<fake_kube::FakeKube> server;
};

}  // namespace

TEST_CASE("kubernetes-ingress: green live under the record's rollout id arms") {
  Api api(ingress("user-service-green", recordOf(rollout::Phase::kMonitor, 5000)));
  auto watcher = detail::RecordWatcher::make(api.config(), kSecond, api.clock);
  REQUIRE_MESSAGE(watcher.ok(), watcher.error().message);
  const RolloutSighting s = (*watcher)->readNow();
  CHECK(s.readOk);
  CHECK(s.rolloutId == "r-kube");
  CHECK(s.version == "v1.2.4");
  CHECK(s.phase == "monitor");
  CHECK(s.switchedAt == 5000);
  CHECK(s.greenLive);
  ArmingInputs in;
  in.mode = ArmingMode::kRecord;
  CHECK(decideArming(in, s).target == ArmedFor{"r-kube", "v1.2.4", 5000});
}

TEST_CASE("kubernetes-ingress: before the switch, on blue: shadow") {
  Api api(ingress("user-service-blue", recordOf(rollout::Phase::kSmoke, std::nullopt)));
  auto watcher = detail::RecordWatcher::make(api.config(), kSecond, api.clock);
  REQUIRE(watcher.ok());
  const RolloutSighting s = (*watcher)->readNow();
  CHECK(s.readOk);
  CHECK(s.rolloutId == "r-kube");
  CHECK_FALSE(s.greenLive);
  CHECK(s.detail.starts_with("traffic on blue"));
}

TEST_CASE("a switch type without a record has no watcher; an unreachable server is a failed read") {
  SystemClock clock;
  auto none = detail::RecordWatcher::make({"dry-run", {}}, kSecond, clock);
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().code == ErrorCode::kInvalidInput);
  Api api(ingress("user-service-green", {}));
  auto config = api.config();
  config.settings["server"] = "http://127.0.0.1:1";
  auto watcher = detail::RecordWatcher::make(config, kSecond, api.clock);
  REQUIRE(watcher.ok());
  CHECK_FALSE((*watcher)->readNow().readOk);
}

}  // namespace nova::daemon
