// The smoke tests against the real nova-demo-service on loopback: the runbook's Step 2.4
// (create a test stream, read it back, delete it) with a bearer token that never shows.
#include <doctest/doctest.h>

#include <boost/json.hpp>

#include "nova/rollout/smoke.h"
#include "service_process.h"

namespace nova::rollout {
namespace {

namespace json = boost::json;

const std::string kToken = "s3cret-demo-token";

SmokeConfig runbookSteps(const std::string& baseUrl) {
  SmokeConfig config;
  config.baseUrl = baseUrl;
  config.secrets = {{"token", "TOKEN", ""}};
  const http::Headers auth{{"Authorization", "Bearer ${secrets.token}"}};
  SmokeStep create;
  create.name = "create test stream";
  create.method = "POST";
  create.url = "/api/v1/streams";
  create.headers = auth;
  create.headers.emplace_back("Content-Type", "application/json");
  create.body = R"({"title": "Green Smoke Test ${NOVA_ROLLOUT_ID}", "description": ""})";
  create.expectStatus = 201;
  create.captures = {{"stream_id", "/id"}};
  SmokeStep read;
  read.name = "read it back";
  read.url = "/api/v1/streams/${stream_id}";
  read.headers = auth;
  read.assertions = {
      {"/id", SmokeAssertion::Kind::kEquals, json::value("${stream_id}"), ""},
      {"/title", SmokeAssertion::Kind::kEquals, json::value("Green Smoke Test r-7"), ""}};
  SmokeStep remove;
  remove.name = "delete it";
  remove.method = "DELETE";
  remove.url = "/api/v1/streams/${stream_id}";
  remove.headers = auth;
  remove.expectStatus = 204;
  remove.always = true;
  SmokeStep gone = read;
  gone.name = "it is gone";
  gone.expectStatus = 404;
  gone.assertions.clear();
  config.steps = {create, read, remove, gone};
  return config;
}

struct Fixture {
  explicit Fixture(const std::string& version = "v1.2.4")
      : service({"--token", kToken, "--version", version, "--color", "green"}) {}

  SmokeReport run(const SmokeConfig& config, const std::string& token = kToken,
                  const std::string& version = "v1.2.4") {
    notify::SecretSources sources;
    sources.getenv = [token](const std::string&) { return std::optional<std::string>(token); };
    auto secrets = readSmokeSecrets(config.secrets, sources);
    REQUIRE(secrets.ok());
    return runner.run(config, {{"NOVA_VERSION", version}, {"NOVA_ROLLOUT_ID", "r-7"}}, *secrets);
  }

  demo::test::ServiceProcess service;
  ManualClock clock;
  StopSource stop{clock};
  http::Client client;
  SmokeRunner runner{client, stop};
};

std::string describe(const SmokeReport& report) {
  std::string out;
  for (const auto& step : report.steps) {
    out += step.name + ": " +
           (step.passed    ? "pass"
            : step.skipped ? "skip"
                           : "FAIL") +
           " (" + step.detail + ")\n";
  }
  return out;
}

TEST_CASE("the runbook's smoke tests pass against a good green") {
  Fixture f;
  const SmokeReport report = f.run(runbookSteps(f.service.url("")));
  CHECK_MESSAGE(report.passed, describe(report));
  REQUIRE(report.steps.size() == 6);
  CHECK(report.steps[0].name == "health");
  CHECK(report.steps[0].detail == "HTTP 200, version v1.2.4");
  CHECK(report.steps[1].name == "metrics");
  CHECK(report.steps[2].status == 201);
  CHECK(report.steps[4].status == 204);
  CHECK(report.steps[5].status == 404);
}

TEST_CASE("green running another build fails the health check, whatever else passes") {
  Fixture f("v1.2.3");
  const SmokeReport report = f.run(runbookSteps(f.service.url("")));
  CHECK_FALSE(report.passed);
  CHECK(report.steps[0].detail ==
        "health: reports version v1.2.3, not v1.2.4 (another build answered)");
  CHECK(report.steps[1].detail == "metrics: nova_build_info says version v1.2.3, not v1.2.4");
  CHECK(report.steps[2].passed);  // the steps still ran and cleaned up after themselves
  CHECK(report.steps[4].passed);
}

TEST_CASE("a wrong token fails the first step, skips the rest, and is never printed") {
  Fixture f;
  const std::string wrong = "wrong-token-value-123";
  SmokeConfig config = runbookSteps(f.service.url(""));
  config.steps[1].url = "/api/v1/streams/${stream_id}?token=${secrets.token}";
  const SmokeReport report = f.run(config, wrong);
  CHECK_FALSE(report.passed);
  const std::string text = describe(report);
  CHECK(report.steps[2].detail.starts_with("HTTP 401, expected 201"));
  CHECK(report.steps[3].skipped);
  CHECK(report.steps[3].detail == "skipped: an earlier step failed");
  // The clean-up runs when it can, and cannot without the stream id.
  CHECK(report.steps[4].skipped);
  CHECK(report.steps[4].detail == "skipped: unknown variable ${stream_id}");
  CHECK(text.find(wrong) == std::string::npos);
  CHECK(text.find(kToken) == std::string::npos);
}

TEST_CASE("a secret in a failing URL is redacted from the transport error") {
  Fixture f;
  SmokeConfig config = runbookSteps("http://127.0.0.1:1");  // nothing listens there
  config.health = false;
  config.metrics = false;
  config.steps[0].url = "/api/v1/streams?token=${secrets.token}";
  const SmokeReport report = f.run(config);
  CHECK_FALSE(report.passed);
  CHECK(report.steps[0].detail.find(kToken) == std::string::npos);
  CHECK(report.steps[0].detail.find("<redacted>") != std::string::npos);
}

TEST_CASE("a stop request skips what is left") {
  Fixture f;
  f.stop.requestStop("SIGTERM");
  const SmokeReport report = f.run(runbookSteps(f.service.url("")));
  CHECK_FALSE(report.passed);
  for (const auto& step : report.steps) {
    CHECK(step.skipped);
    CHECK(step.detail == "skipped: stop requested (SIGTERM)");
  }
}

}  // namespace
}  // namespace nova::rollout
