#include "incident_charts.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <optional>

#include "daemon_shared.h"
#include "nova/core/files.h"
#include "nova/testing/temp_dir.h"

namespace nova::daemon::detail {
namespace {

namespace fs = std::filesystem;

using TempDir = nova::testing::TempDir;

constexpr const char* kDocument = R"({"version":1,"charts":[]})";

}  // namespace

TEST_CASE("an incident's charts are saved durably and read back after a restart") {
  TempDir dir("nova-incident-charts");
  {
    IncidentCharts charts(dir.path());
    REQUIRE(charts.save("1764900000000-1", kDocument).ok());
    CHECK(charts.load("1764900000000-1").value() == kDocument);
  }
  // The file is where the contract says, whole.
  CHECK(readFile(dir.file("incident-1764900000000-1-charts.json"), 1 << 20).value() == kDocument);
  IncidentCharts restarted(dir.path());
  CHECK(restarted.has("1764900000000-1"));
  CHECK(restarted.load("1764900000000-1").value() == kDocument);
  const auto missing = restarted.load("1764900000000-2");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::kNotFound);
  CHECK(missing.error().message == "no charts saved for incident 1764900000000-2");
  // A later save replaces the document.
  REQUIRE(restarted.save("1764900000000-1", "{\"later\":true}").ok());
  CHECK(IncidentCharts(dir.path()).load("1764900000000-1").value() == "{\"later\":true}");
}

TEST_CASE("without a state directory the newest documents are kept in memory") {
  IncidentCharts charts("");
  for (int i = 1; i <= 6; ++i) {
    REQUIRE(charts.save("inc-" + std::to_string(i), "{\"n\":" + std::to_string(i) + "}").ok());
  }
  CHECK(charts.load("inc-6").value() == "{\"n\":6}");
  CHECK(charts.load("inc-3").value() == "{\"n\":3}");
  CHECK(charts.load("inc-2").error().code == ErrorCode::kNotFound);
}

TEST_CASE("ids that are not plain names and oversized documents are refused") {
  TempDir dir("nova-incident-charts");
  IncidentCharts charts(dir.path());
  for (const char* id : {"", "../state", "a/b", ".hidden", "x y", "%2e%2e"}) {
    const auto loaded = charts.load(id);
    REQUIRE_FALSE(loaded.ok());
    CHECK(loaded.error().code == ErrorCode::kInvalidInput);
    CHECK(charts.save(id, kDocument).error().code == ErrorCode::kInvalidInput);
  }
  CHECK(charts.load("../state").error().message == "incident id \"../state\" is not a plain name");
  CHECK_FALSE(IncidentCharts::isValidIncidentId(std::string(129, 'a')));
  CHECK(IncidentCharts::isValidIncidentId("1764900000000-1"));
  const Status big = charts.save("big", std::string(IncidentCharts::kMaxBytes + 1, ' '));
  REQUIRE_FALSE(big.ok());
  CHECK(big.error().code == ErrorCode::kInvalidInput);
  CHECK_FALSE(charts.has("big"));
  CHECK_FALSE(fs::exists(fs::path(dir.file("incident-big-charts.json"))));
}

TEST_CASE("GET /v1/incidents/<id>/charts serves the saved document") {
  AgentMetrics metrics("1.2.3");
  Published published;
  ManualClock clock{1000};
  Inbox inbox(clock, [] {});
  IncidentCharts charts("");
  REQUIRE(charts.save("1764900000000-1", kDocument).ok());
  ApiContext ctx{clock, metrics, published, inbox, std::nullopt, 100};
  ctx.incidentCharts = &charts;
  auto handler = makeApiHandler(ctx);
  http::ServerRequest get;
  get.method = "GET";

  get.path = "/v1/incidents/1764900000000-1/charts";
  auto found = handler(get);
  CHECK(found.status == 200);
  CHECK(found.contentType == "application/json");
  CHECK(found.body == kDocument);

  get.path = "/v1/incidents/1764900000000-9/charts";
  auto missing = handler(get);
  CHECK(missing.status == 404);
  CHECK(missing.body.find("no charts saved for incident 1764900000000-9") != std::string::npos);

  get.path = "/v1/incidents/../charts";
  CHECK(handler(get).status == 400);
  get.path = "/v1/incidents//charts";
  CHECK(handler(get).status == 404);
  get.path = "/v1/incidents/1764900000000-1";
  CHECK(handler(get).status == 404);

  get.method = "POST";
  get.path = "/v1/incidents/1764900000000-1/charts";
  CHECK(handler(get).status == 405);

  // An agent without the store of saved charts has no such endpoint.
  ctx.incidentCharts = nullptr;
  get.method = "GET";
  CHECK(handler(get).status == 404);
}

}  // namespace nova::daemon::detail
