// The demo service's pieces without a process: fault parsing, the error spread, the store.
#include "faults.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

#include "metrics.h"
#include "streams.h"
#include "ws_hub.h"

namespace nova::demo {

TEST_CASE("fault patches keep absent fields and refuse bad ones") {
  const Result<FaultPatch> patch = parseFaultPatch(R"({"error_ratio":0.1,"health_down":true})");
  REQUIRE(patch.ok());
  CHECK(patch->errorRatio == 0.1);
  CHECK(patch->healthDown == true);
  CHECK_FALSE(patch->addedLatencyMs.has_value());

  FaultControl control;
  control.apply(FaultPatch{.addedLatencyMs = 300});
  const FaultSet set = control.apply(*patch);
  CHECK(set.addedLatencyMs == 300);
  CHECK(set.errorRatio == 0.1);
  CHECK(set.healthDown);

  CHECK_FALSE(parseFaultPatch("[1]").ok());
  CHECK_FALSE(parseFaultPatch("{").ok());
  const Result<FaultPatch> wrongType = parseFaultPatch(R"({"health_down":1})");
  REQUIRE_FALSE(wrongType.ok());
  CHECK(wrongType.error().code == ErrorCode::kInvalidInput);
  CHECK(wrongType.error().message == "faults: health_down: expected true or false");
  CHECK_FALSE(parseFaultPatch(R"({"added_latency_ms":-1})").ok());
  CHECK_FALSE(parseFaultPatch(R"({"db_latency_ms":60001})").ok());
  CHECK_FALSE(parseFaultPatch(R"({"ws_drop_ratio":1.01})").ok());
}

TEST_CASE("the error spread is exact for any ratio") {
  // Ratios are kept in parts per million, so decimal ratios are exact.
  for (const double ratio : {0.0, 0.01, 0.05, 0.1, 0.125, 0.5, 0.9, 1.0}) {
    FaultControl control;
    control.apply(FaultPatch{.errorRatio = ratio});
    int failed = 0;
    int longestRun = 0;
    int run = 0;
    for (int i = 0; i < 300; ++i) {
      const bool fails = control.nextApiRequestFails();
      failed += fails ? 1 : 0;
      run = fails ? 0 : run + 1;
      longestRun = std::max(longestRun, run);
    }
    CAPTURE(ratio);
    CHECK(failed == static_cast<int>(std::floor(300 * ratio + 1e-9)));
    if (ratio >= 0.1) {
      // Evenly spread: never more than 1/ratio successes in a row.
      CHECK(longestRun <= static_cast<int>(std::ceil(1.0 / ratio)));
    }
  }
}

TEST_CASE("the store lists the newest streams in creation order and forgets deleted ones") {
  StreamStore store(42);
  const Stream a = store.create("a", "");
  const Stream b = store.create("b", "");
  const Stream lost = store.create("lost", "", false);
  const Stream c = store.create("c", "");
  CHECK(store.size() == 3);
  CHECK_FALSE(store.get(lost.id).has_value());
  const auto newest = store.active(2);
  REQUIRE(newest.size() == 2);
  CHECK(newest[0].id == b.id);
  CHECK(newest[1].id == c.id);
  CHECK(store.remove(a.id));
  CHECK_FALSE(store.remove(a.id));
  CHECK(store.active(10).size() == 2);
  CHECK(a.id != b.id);
  CHECK(a.id[14] == '4');
}

TEST_CASE("the WebSocket hub drops a share of real and simulated connections") {
  struct Fake : WsConnection {
    int drops = 0;
    void drop() override { ++drops; }
  };
  ServiceMetrics metrics("v", "c", 0);
  WsHub hub(metrics, 100);
  std::vector<std::shared_ptr<Fake>> fakes;
  for (int i = 0; i < 4; ++i) {
    fakes.push_back(std::make_shared<Fake>());
    hub.add(fakes.back());
  }
  CHECK(hub.drop(0.5) == 2);
  CHECK(hub.simulatedConnections() == 50);
  int dropped = 0;
  for (const auto& fake : fakes) {
    dropped += fake->drops;
  }
  CHECK(dropped == 2);
  CHECK(metrics.serialize().find("nova_streaming_websocket_connections 54") != std::string::npos);
  hub.restoreSimulated();
  CHECK(hub.simulatedConnections() == 100);
}

}  // namespace nova::demo
