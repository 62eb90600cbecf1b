#include <doctest/doctest.h>

#include <boost/json.hpp>

#include "nova/rollout/smoke.h"

namespace nova::rollout {
namespace {

namespace json = boost::json;

const HookVariables kVars{{"NOVA_VERSION", "v1.2.4"}, {"stream_id", "s-1"}};

SmokeStep readBack() {
  SmokeStep step;
  step.name = "read back";
  step.expectStatus = 200;
  step.assertions = {
      {"/id", SmokeAssertion::Kind::kEquals, json::value("${stream_id}"), ""},
      {"/viewer_count", SmokeAssertion::Kind::kEquals, json::value(0.0), ""},
      {"/status", SmokeAssertion::Kind::kMatches, {}, "^(live|ready)$"},
      {"/deleted_at", SmokeAssertion::Kind::kAbsent, {}, ""},
      {"/created_at", SmokeAssertion::Kind::kExists, {}, ""},
  };
  step.captures = {{"created", "/created_at"}, {"count", "/viewer_count"}};
  return step;
}

constexpr std::string_view kStream =
    R"({"id":"s-1","title":"Green Smoke Test","status":"live","created_at":"2026-12-03T02:10:00Z","viewer_count":0})";

TEST_CASE("a response passes when status, assertions and captures all hold") {
  const SmokeJudgement j = judgeResponse(readBack(), 200, kStream, kVars);
  CHECK_MESSAGE(j.passed, j.detail);
  CHECK(j.detail == "HTTP 200, 5 assertion(s) hold");
  CHECK(j.captures.at("created") == "2026-12-03T02:10:00Z");
  CHECK(j.captures.at("count") == "0");
}

TEST_CASE("each failure says what was found where") {
  CHECK(judgeResponse(readBack(), 500, R"({"error":"boom"})", kVars).detail ==
        R"(HTTP 500, expected 200: {"error":"boom"})");
  CHECK(judgeResponse(readBack(), 200, "<html>", kVars).detail.starts_with("the body is not JSON"));
  CHECK(judgeResponse(readBack(), 200, R"({"id":"s-2"})", kVars).detail ==
        R"("s-2" at /id, expected "s-1")");
  CHECK(judgeResponse(readBack(), 200,
                      R"({"id":"s-1","viewer_count":0,"status":"ended","created_at":"x"})", kVars)
            .detail == R"("ended" at /status does not match /^(live|ready)$/)");
  CHECK(judgeResponse(readBack(), 200,
                      R"({"id":"s-1","viewer_count":0,"status":"live","deleted_at":1})", kVars)
            .detail == "unexpected 1 at /deleted_at");
  CHECK(judgeResponse(readBack(), 200, R"({"id":"s-1","viewer_count":0,"status":"live"})", kVars)
            .detail == "nothing at /created_at");
  SmokeStep capture = readBack();
  capture.assertions.clear();
  capture.captures = {{"stream", "/stream/id"}};
  const SmokeJudgement missing = judgeResponse(capture, 200, kStream, kVars);
  CHECK_FALSE(missing.passed);
  CHECK(missing.detail == "nothing at /stream/id to capture as ${stream}");
  CHECK(missing.captures.empty());
}

TEST_CASE("the built-in health check wants the rolled-out version, not only healthy") {
  const SmokeConfig config;
  CHECK(judgeHealth(config, 200, R"({"status":"healthy","version":"v1.2.4"})", "v1.2.4").empty());
  CHECK(judgeHealth(config, 200, R"({"status":"healthy","version":"v1.2.3"})", "v1.2.4") ==
        "health: reports version v1.2.3, not v1.2.4 (another build answered)");
  CHECK(judgeHealth(config, 200, R"({"status":"healthy"})", "v1.2.4") ==
        "health: no version string at /version (green must prove which build answered)");
  CHECK(judgeHealth(config, 503, R"({"status":"unhealthy"})", "v1.2.4") ==
        "health: HTTP status 503, want 200");
}

TEST_CASE("the built-in metrics check parses the exposition and reads nova_build_info") {
  CHECK(judgeMetrics(200, "up 1\nnova_build_info{version=\"v1.2.4\",color=\"green\"} 1\n", "v1.2.4")
            .empty());
  CHECK(judgeMetrics(200, "nova_build_info{version=\"v1.2.3\"} 1\n", "v1.2.4") ==
        "metrics: nova_build_info says version v1.2.3, not v1.2.4");
  CHECK(
      judgeMetrics(200, "up 1\nbroken{ 1\n", "v1.2.4").starts_with("metrics: does not parse: 2:"));
  CHECK(judgeMetrics(200, "# nothing\n", "v1.2.4") == "metrics: no samples");
  CHECK(judgeMetrics(503, "", "v1.2.4") == "metrics: HTTP status 503, want 200");
}

TEST_CASE("smoke secrets come from the environment or a file, and errors name no value") {
  notify::SecretSources sources;
  sources.getenv = [](const std::string& name) -> std::optional<std::string> {
    if (name == "TEST_JWT_TOKEN") {
      return std::string("eyJ-secret-token\n");
    }
    return std::nullopt;
  };
  auto secrets = readSmokeSecrets({{"token", "TEST_JWT_TOKEN", ""}}, sources);
  REQUIRE(secrets.ok());
  CHECK(secrets->at("token").reveal() == "eyJ-secret-token");
  auto unset = readSmokeSecrets({{"token", "NOT_SET", ""}}, sources);
  REQUIRE_FALSE(unset.ok());
  CHECK(unset.error().code == ErrorCode::kInvalidInput);
  CHECK(unset.error().message ==
        "smoke secret token: token_env: environment variable NOT_SET is not set");
  CHECK(readSmokeSecrets({{"token", "", ""}}, sources).error().message ==
        "smoke secret token: give an env variable or a file");
}

}  // namespace
}  // namespace nova::rollout
